package dev.resnetservice.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.data.Normalization;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@code epoch-NNNN.json} says about the parameter file beside it: enough to rebuild the
 * network ({@code architecture}, {@code classes}), feed it ({@code normalization}) and trust it
 * ({@code sha256}, {@code paramsBytes}). {@code metrics} is the epoch event's data as the trainer
 * reported it; {@code testTimeAugmentation} says the model is served as it was measured, on the
 * image and its mirror; {@code spec} is the job's fully resolved spec, to repeat the run (null in
 * manifests written before it was recorded).
 */
public record CheckpointManifest(
        int epoch,
        String architecture,
        long parameterCount,
        List<String> classes,
        Normalization normalization,
        String sha256,
        String paramsFile,
        long paramsBytes,
        Instant createdAt,
        JsonNode metrics,
        boolean testTimeAugmentation,
        JsonNode spec) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PARAMS_FILE = Pattern.compile("epoch-\\d{4,}\\.params");

    public CheckpointManifest {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative, got " + epoch);
        }
        Architecture.fromId(architecture); // throws, naming the known ids, for one we cannot build
        if (classes == null || classes.size() < 2) {
            throw new IllegalArgumentException("classes needs at least 2 labels, got " + classes);
        }
        classes = List.copyOf(classes);
        Objects.requireNonNull(normalization, "normalization");
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits, got " + sha256);
        }
        // A name, never a path: a manifest must not point the loader outside its folder.
        if (paramsFile == null || !PARAMS_FILE.matcher(paramsFile).matches()) {
            throw new IllegalArgumentException("paramsFile must look like epoch-0003.params, got " + paramsFile);
        }
        if (paramsBytes <= 0) {
            throw new IllegalArgumentException("paramsBytes must be positive, got " + paramsBytes);
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(metrics, "metrics");
        // Jackson reads a JSON null into a JsonNode as NullNode: one "absent", not two.
        spec = spec == null || spec.isNull() ? null : spec;
    }
}
