package dev.resnetservice.jobs;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Job ids: the creation time (so they sort like jobs do) and six random characters, e.g.
 * {@code 20261126-180530-k3x9qa}. Anything else is not an id and never reaches the disk.
 */
public final class JobIds {

    private static final Pattern FORMAT = Pattern.compile("\\d{8}-\\d{6}-[a-z0-9]{6}");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private JobIds() {
    }

    static String next() {
        StringBuilder id = new StringBuilder(TIME.format(ZonedDateTime.now(ZoneOffset.UTC))).append('-');
        for (int i = 0; i < 6; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    public static boolean valid(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }
}
