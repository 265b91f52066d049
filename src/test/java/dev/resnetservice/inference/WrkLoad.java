package dev.resnetservice.inference;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP load from Debian's {@code wrk} (C, one event-loop thread): the cheapest load generator
 * at hand, so most of the two cores are left to the service. Closed loop: each connection sends
 * its next request when the answer to the last has arrived. Its CPU time comes from the shell's
 * {@code times}.
 */
final class WrkLoad {

    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|90|99)%\\s+([\\d.]+)(us|ms|s|m)\\s*$");
    private static final Pattern TOTAL = Pattern.compile("^\\s*(\\d+) requests in ([\\d.]+)(us|ms|s|m)");
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s");

    private final Path script;

    WrkLoad(Path work) throws IOException {
        this.script = work.resolve("post.lua");
        try (InputStream lua = WrkLoad.class.getResourceAsStream("/benchmark/post.lua")) {
            Files.copy(lua, script);
        }
    }

    static boolean installed() {
        return List.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "wrk")));
    }

    /** @param header an extra request header "Name: value", or null */
    LoadResult run(URI url, int connections, int seconds, String contentType, String header, List<Path> bodies)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s",
                "--latency", "--timeout", "30s", "-s", script.toString(), url.toString(), "--", contentType,
                header == null ? "-" : header));
        bodies.forEach(body -> command.add(body.toString()));
        Process wrk = new ProcessBuilder(withShell(command)).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0 || output.contains("answered ") || output.contains("Non-2xx")
                || output.contains("Socket errors")) {
            throw new IllegalStateException("wrk against " + url + " failed:\n" + output);
        }
        double[] percentiles = new double[3];
        long requests = -1;
        double wall = 0;
        for (String line : output.split("\n")) {
            Matcher p = PERCENTILE.matcher(line);
            if (p.find()) {
                int slot = switch (p.group(1)) {
                    case "50" -> 0;
                    case "90" -> 1;
                    default -> 2;
                };
                percentiles[slot] = millis(p.group(2), p.group(3));
            }
            Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                requests = Long.parseLong(t.group(1));
                wall = millis(t.group(2), t.group(3)) / 1e3;
            }
        }
        Matcher times = TIMES.matcher(output.substring(output.lastIndexOf('\n', output.length() - 2) + 1));
        if (requests < 0 || !times.find()) {
            throw new IllegalStateException("cannot read wrk's output:\n" + output);
        }
        double cpuSeconds = Integer.parseInt(times.group(1)) * 60 + Double.parseDouble(times.group(2))
                + Integer.parseInt(times.group(3)) * 60 + Double.parseDouble(times.group(4));
        return new LoadResult(requests, wall, percentiles[0], percentiles[1], percentiles[2], (long) (cpuSeconds * 1e9));
    }

    /** The command under bash, whose {@code times} then prints the shell's CPU time and its children's: wrk's. */
    private static List<String> withShell(List<String> command) {
        List<String> shell = new ArrayList<>(List.of("bash", "-c", "\"$@\"; status=$?; times; exit $status", "wrk"));
        shell.addAll(command);
        return shell;
    }

    private static double millis(String value, String unit) {
        double number = Double.parseDouble(value);
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> number / 1e3;
            case "ms" -> number;
            case "s" -> number * 1e3;
            default -> number * 60e3;
        };
    }
}
