package dev.resnetservice.model;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which of a job's checkpoints stay on disk (about 45 MB each): {@code all}, {@code last:N} (the N
 * newest) or {@code best:N} (the N of highest test accuracy). The newest always stays, whatever
 * the policy: a job resumes from it.
 */
public record Retention(String kind, int count) {

    public static final Retention ALL = new Retention("all", 0);
    private static final Pattern FORM = Pattern.compile("(last|best):(\\d{1,4})");

    /** @throws IllegalArgumentException naming the text */
    public static Retention parse(String text) {
        if (text == null || text.equals("all")) {
            return ALL;
        }
        Matcher matcher = FORM.matcher(text);
        if (!matcher.matches() || Integer.parseInt(matcher.group(2)) < 1) {
            throw new IllegalArgumentException("unknown policy '" + text + "', expected all, last:N or best:N (N >= 1)");
        }
        return new Retention(matcher.group(1), Integer.parseInt(matcher.group(2)));
    }

    /** The checkpoints this policy removes from {@code checkpoints} (any order). */
    public List<Checkpoint> toRemove(List<Checkpoint> checkpoints) {
        if (kind.equals("all") || checkpoints.isEmpty()) {
            return List.of();
        }
        Comparator<Checkpoint> order = kind.equals("last") ? Comparator.comparingInt(Checkpoint::epoch)
                : Comparator.comparingDouble(Retention::accuracy).thenComparingInt(Checkpoint::epoch);
        Checkpoint newest = checkpoints.stream().max(Comparator.comparingInt(Checkpoint::epoch)).orElseThrow();
        Set<Checkpoint> kept = Stream.concat(Stream.of(newest),
                checkpoints.stream().sorted(order.reversed()).limit(count)).collect(Collectors.toSet());
        return checkpoints.stream().filter(checkpoint -> !kept.contains(checkpoint)).toList();
    }

    @Override
    public String toString() {
        return kind.equals("all") ? kind : kind + ":" + count;
    }

    private static double accuracy(Checkpoint checkpoint) {
        return checkpoint.manifest().metrics().path("testAccuracy").asDouble(0);
    }
}
