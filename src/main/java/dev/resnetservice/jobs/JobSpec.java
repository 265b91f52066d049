package dev.resnetservice.jobs;

import dev.resnetservice.model.Architecture;
import dev.resnetservice.training.TrainingRecipe;
import java.util.Objects;
import java.util.Set;

/**
 * What POST /jobs asks for. Every field is optional; a missing one takes the seed recipe's
 * value, so {@code {}} trains the seed recipe. Checked here, once, naming the field.
 */
public record JobSpec(
        String model,
        DatasetSpec dataset,
        Integer epochs,
        Integer batchSize,
        OptimizerSpec optimizer,
        Long seed,
        String device,
        Integer limitTrain,
        Integer limitTest) {

    public static final String CIFAR10_BINARY = "cifar10-binary";
    private static final Set<String> DEVICES = Set.of("auto", "cpu", "gpu");

    /** Where the images come from; a null path means the home folder's CIFAR-10. */
    public record DatasetSpec(String format, String path) {
        public DatasetSpec {
            format = Objects.requireNonNullElse(format, CIFAR10_BINARY);
            if (!CIFAR10_BINARY.equals(format)) {
                throw new InvalidSpecException("dataset.format",
                        "unknown format '" + format + "', expected " + CIFAR10_BINARY);
            }
            if (path != null && path.isBlank()) {
                throw new InvalidSpecException("dataset.path", "must not be blank; leave it out for the default");
            }
        }
    }

    public record OptimizerSpec(String name, Double lr, Double weightDecay) {
        public OptimizerSpec {
            TrainingRecipe seed = TrainingRecipe.seed();
            name = Objects.requireNonNullElse(name, "adam");
            lr = Objects.requireNonNullElse(lr, seed.learningRate());
            weightDecay = Objects.requireNonNullElse(weightDecay, seed.weightDecay());
            if (!"adam".equals(name)) {
                throw new InvalidSpecException("optimizer.name", "unknown optimizer '" + name + "', expected adam");
            }
            if (!Double.isFinite(lr) || lr <= 0) {
                throw new InvalidSpecException("optimizer.lr", "must be a finite number > 0, got " + lr);
            }
            if (!Double.isFinite(weightDecay) || weightDecay < 0) {
                throw new InvalidSpecException("optimizer.weightDecay", "must be a finite number >= 0, got " + weightDecay);
            }
        }
    }

    public JobSpec {
        TrainingRecipe seedRecipe = TrainingRecipe.seed();
        model = Objects.requireNonNullElse(model, seedRecipe.architecture().id());
        dataset = Objects.requireNonNullElseGet(dataset, () -> new DatasetSpec(null, null));
        epochs = Objects.requireNonNullElse(epochs, seedRecipe.epochs());
        batchSize = Objects.requireNonNullElse(batchSize, seedRecipe.batchSize());
        optimizer = Objects.requireNonNullElseGet(optimizer, () -> new OptimizerSpec(null, null, null));
        seed = Objects.requireNonNullElse(seed, seedRecipe.randomSeed());
        device = Objects.requireNonNullElse(device, "auto");
        try {
            Architecture.fromId(model);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("model", e.getMessage());
        }
        requireBetween("epochs", epochs, 1, 1000);
        requireBetween("batchSize", batchSize, 1, 4096);
        if (!DEVICES.contains(device)) {
            throw new InvalidSpecException("device", "unknown device '" + device + "', expected auto, cpu or gpu");
        }
        if (limitTrain != null) {
            requireBetween("limitTrain", limitTrain, 1, Integer.MAX_VALUE);
        }
        if (limitTest != null) {
            requireBetween("limitTest", limitTest, 1, Integer.MAX_VALUE);
        }
    }

    /** The seed recipe, every field at its default. */
    public static JobSpec defaults() {
        return new JobSpec(null, null, null, null, null, null, null, null, null);
    }

    /** The recipe this spec trains: the seed recipe with the spec's choices. */
    public TrainingRecipe recipe() {
        TrainingRecipe seedRecipe = TrainingRecipe.seed();
        return new TrainingRecipe(Architecture.fromId(model), epochs, batchSize,
                Math.max(batchSize, seedRecipe.evalBatchSize()), optimizer.lr(), optimizer.weightDecay(),
                seed, seedRecipe.normalization());
    }

    private static void requireBetween(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidSpecException(field, "must be between " + min + " and " + max + ", got " + value);
        }
    }
}
