package dev.resnetservice.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.resnetservice.data.Augmentation;
import dev.resnetservice.data.Normalization;
import dev.resnetservice.datasets.ImportRequest;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.Retention;
import dev.resnetservice.training.DeviceChoice;
import dev.resnetservice.training.LearningRateSchedule;
import dev.resnetservice.training.Precision;
import dev.resnetservice.training.TrainingRecipe;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What POST /jobs asks for. Every field is optional: {@code recipe} names a preset ({@code seed},
 * the default, or {@code fast}) and every field left out takes the preset's value, so {@code {}}
 * trains the seed recipe and a field given explicitly always wins. Checked here, once, naming the
 * field. Once constructed every field is resolved, so GET /jobs/&lt;id&gt; and the checkpoint
 * manifests show exactly what ran.
 */
public record JobSpec(
        String recipe,
        String model,
        DatasetSpec dataset,
        Integer epochs,
        Integer batchSize,
        OptimizerSpec optimizer,
        ScheduleSpec schedule,
        AugmentSpec augment,
        Double labelSmoothing,
        Boolean tta,
        Long seed,
        String device,
        Integer limitTrain,
        Integer limitTest,
        CheckpointsSpec checkpoints,
        Integer maxAttempts,
        NormalizationSpec normalization,
        InitSpec init,
        String precision) {

    public static final String CIFAR10_BINARY = "cifar10-binary";
    public static final String CIFAR100_BINARY = "cifar100-binary";
    private static final List<String> CIFAR_FORMATS = List.of(CIFAR10_BINARY, CIFAR100_BINARY);
    public static final Map<String, TrainingRecipe> RECIPES = Map.of("seed", TrainingRecipe.seed(),
            "fast", TrainingRecipe.fast());
    private static final List<String> OPTIMIZERS = List.of(TrainingRecipe.ADAM, TrainingRecipe.ADAMW,
            TrainingRecipe.SGD);

    /**
     * Where the images come from: {@code name}, a data set of GET /datasets, or {@code path}, a
     * folder of CIFAR-10 binary files; neither means the home folder's CIFAR-10.
     */
    public record DatasetSpec(String format, String path, String name, String labels) {
        /** {@code "dataset": "flowers"} is {@code {"name": "flowers"}}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static DatasetSpec named(String name) {
            return new DatasetSpec(null, null, name, null);
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public DatasetSpec {
            if (name != null) {
                if (path != null) {
                    throw new InvalidSpecException("dataset", "give name or path, not both");
                }
                if (!ImportRequest.validName(name)) {
                    throw new InvalidSpecException("dataset.name", "'" + name + "' is not a data set name"
                            + " (GET /datasets lists them)");
                }
            } else {
                format = Objects.requireNonNullElse(format, CIFAR10_BINARY);
                if (!CIFAR_FORMATS.contains(format)) {
                    throw new InvalidSpecException("dataset.format", "'" + format + "' is read from a data set: import"
                            + " the folder with POST /datasets, then name it in dataset.name; a path holds one of "
                            + CIFAR_FORMATS);
                }
            }
            if (CIFAR100_BINARY.equals(format)) {
                labels = Objects.requireNonNullElse(labels, "fine");
                if (!List.of("fine", "coarse").contains(labels)) {
                    throw new InvalidSpecException("dataset.labels", "'" + labels + "': expected fine (100 classes)"
                            + " or coarse (20 super-classes)");
                }
            } else if (labels != null) {
                throw new InvalidSpecException("dataset.labels", "only for " + CIFAR100_BINARY);
            }
            if (path != null && path.isBlank()) {
                throw new InvalidSpecException("dataset.path", "must not be blank; leave it out for the default");
            }
            if (path != null && path.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidSpecException("dataset.path", "must not contain control characters (NUL, newline, ...)");
            }
        }
    }

    /**
     * Per-channel (RGB) statistics of the training pixels (0..1) the network's inputs are
     * normalised with; left out, the recipe's CIFAR-10 constants, or a named data set's own.
     */
    public record NormalizationSpec(List<Double> mean, List<Double> std) {
        public NormalizationSpec {
            if (mean == null || mean.size() != 3 || mean.stream().anyMatch(m -> m == null || !(m >= 0 && m <= 1))) {
                throw new InvalidSpecException("normalization.mean", "needs 3 numbers between 0 and 1, got " + mean);
            }
            if (std == null || std.size() != 3 || std.stream().anyMatch(v -> v == null || !(v > 0 && v <= 1))) {
                throw new InvalidSpecException("normalization.std", "needs 3 numbers above 0 and up to 1, got " + std);
            }
            mean = List.copyOf(mean);
            std = List.copyOf(std);
        }

        static NormalizationSpec of(Normalization normalization) {
            return new NormalizationSpec(normalization.mean(), normalization.std());
        }
    }

    /**
     * Fine-tuning: start from the weights of {@code model} (any name GET /models lists) instead of a
     * random draw; {@code fc} is drawn afresh when the class counts differ. {@code freeze}:
     * {@code none} (the default) or {@code backbone}, which trains only {@code fc}. {@code sha256} is
     * the source checkpoint's, filled in when the job is queued (given, it must match).
     */
    public record InitSpec(String model, String freeze, String sha256) {
        public static final List<String> FREEZE = List.of("none", "backbone");

        /** {@code "init": "<model>"} is {@code {"model": "<model>"}}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static InitSpec of(String model) {
            return new InitSpec(model, null, null);
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public InitSpec {
            if (model == null || model.isBlank()) {
                throw new InvalidSpecException("init.model", "name the model to start from (GET /models lists them)");
            }
            freeze = Objects.requireNonNullElse(freeze, "none");
            if (!FREEZE.contains(freeze)) {
                throw new InvalidSpecException("init.freeze", "'" + freeze + "': expected one of " + FREEZE);
            }
        }

        public boolean frozenBackbone() {
            return "backbone".equals(freeze);
        }
    }

    /** {@code momentum} and {@code nesterov} are SGD's; they are null for adam and adamw. */
    public record OptimizerSpec(String name, Double lr, Double weightDecay, Double momentum, Boolean nesterov) {
        /** {@code "optimizer": "sgd"} is {@code {"name": "sgd"}}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static OptimizerSpec named(String name) {
            return new OptimizerSpec(name, null, null, null, null);
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public OptimizerSpec {
            if (name != null && !OPTIMIZERS.contains(name)) {
                throw new InvalidSpecException("optimizer.name", "unknown optimizer '" + name + "', expected one of "
                        + OPTIMIZERS);
            }
            if (lr != null && !(Double.isFinite(lr) && lr > 0)) {
                throw new InvalidSpecException("optimizer.lr", "must be a finite number > 0, got " + lr);
            }
            if (weightDecay != null && !(Double.isFinite(weightDecay) && weightDecay >= 0)) {
                throw new InvalidSpecException("optimizer.weightDecay", "must be a finite number >= 0, got " + weightDecay);
            }
            if (momentum != null && !(momentum >= 0 && momentum < 1)) {
                throw new InvalidSpecException("optimizer.momentum", "must be >= 0 and < 1, got " + momentum);
            }
        }

        /** Given fields win; the rest come from the preset, or PyTorch's defaults for another optimiser. */
        OptimizerSpec resolve(TrainingRecipe.OptimizerSettings preset) {
            String resolvedName = Objects.requireNonNullElse(name, preset.name());
            boolean samePreset = resolvedName.equals(preset.name());
            double resolvedLr = Objects.requireNonNullElse(lr, preset.learningRate());
            double resolvedDecay = Objects.requireNonNullElse(weightDecay, samePreset ? preset.weightDecay() : 0.0);
            if (!TrainingRecipe.SGD.equals(resolvedName)) {
                if (momentum != null || nesterov != null) {
                    throw new InvalidSpecException(momentum != null ? "optimizer.momentum" : "optimizer.nesterov",
                            "applies to sgd only, not " + resolvedName);
                }
                return new OptimizerSpec(resolvedName, resolvedLr, resolvedDecay, null, null);
            }
            double resolvedMomentum = Objects.requireNonNullElse(momentum, samePreset ? preset.momentum() : 0.0);
            boolean resolvedNesterov = Objects.requireNonNullElse(nesterov, samePreset && preset.nesterov());
            if (resolvedNesterov && resolvedMomentum == 0) {
                throw new InvalidSpecException("optimizer.nesterov", "needs momentum > 0");
            }
            return new OptimizerSpec(resolvedName, resolvedLr, resolvedDecay, resolvedMomentum, resolvedNesterov);
        }
    }

    public record ScheduleSpec(String name, Double warmupEpochs) {
        /** {@code "schedule": "onecycle"} is {@code {"name": "onecycle"}}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static ScheduleSpec named(String name) {
            return new ScheduleSpec(name, null);
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public ScheduleSpec {
            if (name != null && !LearningRateSchedule.NAMES.contains(name)) {
                throw new InvalidSpecException("schedule.name", "unknown schedule '" + name + "', expected one of "
                        + LearningRateSchedule.NAMES);
            }
            if (warmupEpochs != null && !(Double.isFinite(warmupEpochs) && warmupEpochs >= 0)) {
                throw new InvalidSpecException("schedule.warmupEpochs", "must be a number >= 0, got " + warmupEpochs);
            }
        }

        ScheduleSpec resolve(TrainingRecipe.Schedule preset, int epochs) {
            ScheduleSpec resolved = new ScheduleSpec(Objects.requireNonNullElse(name, preset.name()),
                    Objects.requireNonNullElse(warmupEpochs, Math.min(preset.warmupEpochs(), epochs / 5.0)));
            if (resolved.warmupEpochs() >= epochs) {
                throw new InvalidSpecException("schedule.warmupEpochs", "must be less than epochs (" + epochs
                        + "), got " + resolved.warmupEpochs());
            }
            return resolved;
        }
    }

    /** {@code crop}: pixels of zero padding before a random 32x32 crop; {@code flip}: mirror half the images. */
    public record AugmentSpec(Integer crop, Boolean flip) {
        public AugmentSpec {
            if (crop != null && (crop < 0 || crop > Augmentation.MAX_CROP)) {
                throw new InvalidSpecException("augment.crop", "must be between 0 and " + Augmentation.MAX_CROP
                        + ", got " + crop);
            }
        }

        AugmentSpec resolve(Augmentation preset) {
            return new AugmentSpec(Objects.requireNonNullElse(crop, preset.crop()),
                    Objects.requireNonNullElse(flip, preset.flip()));
        }
    }

    /** {@code keep}: which checkpoints stay on disk, {@code all}, {@code last:N} or {@code best:N}; the newest always. */
    public record CheckpointsSpec(String keep) {
        /** {@code "checkpoints": "last:3"} is {@code {"keep": "last:3"}}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static CheckpointsSpec of(String keep) {
            return new CheckpointsSpec(keep);
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public CheckpointsSpec {
            try {
                keep = Retention.parse(keep).toString();
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("checkpoints.keep", e.getMessage());
            }
        }

        public Retention retention() {
            return Retention.parse(keep);
        }
    }

    public JobSpec {
        recipe = Objects.requireNonNullElse(recipe, "seed");
        TrainingRecipe preset = RECIPES.get(recipe);
        if (preset == null) {
            throw new InvalidSpecException("recipe", "unknown recipe '" + recipe + "', expected one of "
                    + RECIPES.keySet().stream().sorted().toList());
        }
        model = Objects.requireNonNullElse(model, preset.architecture().id());
        dataset = Objects.requireNonNullElseGet(dataset, () -> new DatasetSpec(null, null, null, null));
        epochs = Objects.requireNonNullElse(epochs, preset.epochs());
        batchSize = Objects.requireNonNullElse(batchSize, preset.batchSize());
        seed = Objects.requireNonNullElse(seed, preset.randomSeed());
        device = Objects.requireNonNullElse(device, "auto");
        try {
            Architecture.fromId(model);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("model", e.getMessage());
        }
        requireBetween("epochs", epochs, 1, 1000);
        requireBetween("batchSize", batchSize, 1, 4096);
        optimizer = Objects.requireNonNullElseGet(optimizer, () -> new OptimizerSpec(null, null, null, null, null))
                .resolve(preset.optimizer());
        schedule = Objects.requireNonNullElseGet(schedule, () -> new ScheduleSpec(null, null))
                .resolve(preset.schedule(), epochs);
        augment = Objects.requireNonNullElseGet(augment, () -> new AugmentSpec(null, null))
                .resolve(preset.augmentation());
        labelSmoothing = Objects.requireNonNullElse(labelSmoothing, preset.labelSmoothing());
        if (!(labelSmoothing >= 0 && labelSmoothing <= 0.5)) {
            throw new InvalidSpecException("labelSmoothing", "must be between 0 and 0.5, got " + labelSmoothing);
        }
        tta = Objects.requireNonNullElse(tta, preset.testTimeAugmentation());
        try {
            device = DeviceChoice.parse(device).toString();
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("device", e.getMessage());
        }
        if (limitTrain != null) {
            requireBetween("limitTrain", limitTrain, 1, Integer.MAX_VALUE);
        }
        if (limitTest != null) {
            requireBetween("limitTest", limitTest, 1, Integer.MAX_VALUE);
        }
        checkpoints = Objects.requireNonNullElseGet(checkpoints, () -> new CheckpointsSpec(null));
        maxAttempts = Objects.requireNonNullElse(maxAttempts, 3);
        requireBetween("maxAttempts", maxAttempts, 1, 100);
        precision = Objects.requireNonNullElse(precision, preset.precision().id());
        try {
            Precision.fromId(precision);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("precision", e.getMessage());
        }
    }

    /** The seed recipe, every field at its default. */
    public static JobSpec defaults() {
        return preset("seed");
    }

    /** A preset, every field at its value. */
    public static JobSpec preset(String recipe) {
        return new JobSpec(recipe, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    /** This spec on the home folder's CIFAR data of {@code format} (a job named cifar10 or cifar100). */
    public JobSpec onCifar(String format) {
        return new JobSpec(recipe, model, new DatasetSpec(format, null, null, null), epochs, batchSize, optimizer,
                schedule, augment, labelSmoothing, tta, seed, device, limitTrain, limitTest, checkpoints, maxAttempts,
                normalization, init, precision);
    }

    /** This spec on a named data set: its format, and its statistics unless the spec gave some. */
    public JobSpec onDataset(String format, Normalization statistics) {
        return new JobSpec(recipe, model, new DatasetSpec(format, null, dataset.name(), null), epochs, batchSize, optimizer,
                schedule, augment, labelSmoothing, tta, seed, device, limitTrain, limitTest, checkpoints, maxAttempts,
                normalization != null ? normalization : NormalizationSpec.of(statistics), init, precision);
    }

    /** This spec starting from {@code init}, resolved. */
    public JobSpec startingFrom(InitSpec init) {
        return new JobSpec(recipe, model, dataset, epochs, batchSize, optimizer, schedule, augment, labelSmoothing, tta,
                seed, device, limitTrain, limitTest, checkpoints, maxAttempts, normalization, init, precision);
    }

    /** The recipe this spec trains: the preset with the spec's choices. */
    public TrainingRecipe trainingRecipe() {
        TrainingRecipe preset = RECIPES.get(recipe);
        return new TrainingRecipe(Architecture.fromId(model), epochs, batchSize,
                Math.max(batchSize, preset.evalBatchSize()),
                new TrainingRecipe.OptimizerSettings(optimizer.name(), optimizer.lr(), optimizer.weightDecay(),
                        Objects.requireNonNullElse(optimizer.momentum(), 0.0),
                        Objects.requireNonNullElse(optimizer.nesterov(), false)),
                new TrainingRecipe.Schedule(schedule.name(), schedule.warmupEpochs()),
                new Augmentation(augment.crop(), augment.flip()), labelSmoothing, tta, seed,
                normalization == null ? preset.normalization() : new Normalization(normalization.mean(), normalization.std()),
                init != null && init.frozenBackbone(), Precision.fromId(precision));
    }

    private static void requireBetween(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidSpecException(field, "must be between " + min + " and " + max + ", got " + value);
        }
    }
}
