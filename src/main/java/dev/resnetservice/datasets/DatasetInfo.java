package dev.resnetservice.datasets;

import dev.resnetservice.data.Normalization;
import java.time.Instant;
import java.util.List;

/**
 * A data set as GET /datasets/&lt;name&gt; shows it and {@code <home>/datasets/<name>/dataset.json}
 * keeps it: where it came from, how far its import is, its classes and what the import skipped.
 */
public record DatasetInfo(
        String name,
        String format,
        String state,                 // importing, ready or failed
        String source,                // the server folder it was imported from
        Instant createdAt,
        Instant updatedAt,
        Progress progress,            // files read of all found, while importing
        List<ClassCounts> classes,    // sorted by name; a label is the index here
        Counts images,
        List<Double> mean,            // per channel (RGB) of the training split, pixels 0..1
        List<Double> std,
        List<Skipped> skipped,
        String error) {

    public static final String IMPORTING = "importing";
    public static final String READY = "ready";
    public static final String FAILED = "failed";

    public record Progress(int done, int total) {
    }

    public record ClassCounts(String name, int train, int test) {
    }

    public record Counts(int train, int test) {
    }

    /** A file the import could not use, and why. */
    public record Skipped(String file, String reason) {
    }

    public DatasetInfo {
        classes = classes == null ? List.of() : List.copyOf(classes);
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
    }

    static DatasetInfo importing(String name, String format, String source, Instant now, int files) {
        return new DatasetInfo(name, format, IMPORTING, source, now, now, new Progress(0, files), null, null, null, null,
                null, null);
    }

    DatasetInfo progressed(int done, Instant now) {
        return new DatasetInfo(name, format, state, source, createdAt, now, new Progress(done, progress.total()), classes,
                images, mean, std, skipped, error);
    }

    DatasetInfo ready(ImportResult result, Instant now) {
        return new DatasetInfo(name, format, READY, source, createdAt, now, progress == null ? null
                : new Progress(progress.total(), progress.total()), result.classes(), result.images(),
                result.normalization().mean(), result.normalization().std(), result.skipped(), null);
    }

    DatasetInfo failed(String message, List<Skipped> skippedSoFar, Instant now) {
        return new DatasetInfo(name, format, FAILED, source, createdAt, now, progress, classes, images, mean, std,
                skippedSoFar, message);
    }

    public List<String> classNames() {
        return classes.stream().map(ClassCounts::name).toList();
    }

    /** The training split's statistics, for the normalisation of jobs on this data set. */
    public Normalization normalization() {
        return new Normalization(mean, std);
    }

    /** What an import produced. */
    record ImportResult(List<ClassCounts> classes, Counts images, Normalization normalization, List<Skipped> skipped) {
    }
}
