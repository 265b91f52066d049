package dev.resnetservice.training;

import dev.resnetservice.data.Augmentation;
import dev.resnetservice.data.Normalization;
import dev.resnetservice.model.Architecture;

/**
 * Every number a training run needs. {@link #seed()} is the ROCm tutorial's recipe, which the
 * service reproduces by default (72.87 % test accuracy after 8 epochs on an AMD Instinct GPU);
 * {@link #fast()} is the well-known better one for CIFAR-10 (see docs/recipes.md).
 */
public record TrainingRecipe(
        Architecture architecture,
        int epochs,
        int batchSize,              // images per optimiser step
        int evalBatchSize,          // images per forward when testing; larger is faster and changes nothing
        OptimizerSettings optimizer,
        Schedule schedule,
        Augmentation augmentation,  // training images only
        double labelSmoothing,      // 0..0.5, as PyTorch's CrossEntropyLoss(label_smoothing)
        boolean testTimeAugmentation, // evaluate and serve on the image and its mirror, probabilities averaged
        long randomSeed,            // weights init, every epoch's data order and augmentation
        Normalization normalization,
        boolean freezeBackbone,     // train fc only, the rest as loaded (fine-tuning)
        Precision precision) {      // fp32, or bf16 autocast for training and evaluation

    public static final String ADAM = "adam";
    public static final String ADAMW = "adamw";
    public static final String SGD = "sgd";

    /**
     * @param name adam (L2 decay added to the gradient, as PyTorch's Adam), adamw (decoupled decay)
     *     or sgd (PyTorch's SGD: L2 decay, heavy-ball or Nesterov momentum)
     * @param learningRate the peak rate; the schedule scales it per step
     * @param momentum sgd only, 0 for none
     * @param nesterov sgd only
     */
    public record OptimizerSettings(String name, double learningRate, double weightDecay, double momentum,
            boolean nesterov) {
    }

    /**
     * @param name constant, cosine (to 0) or onecycle (linear to 0), after a linear warm-up
     * @param warmupEpochs epochs over which the rate rises linearly from 0 to its peak
     */
    public record Schedule(String name, double warmupEpochs) {
    }

    public static TrainingRecipe seed() {
        return new TrainingRecipe(Architecture.RESNET18, 8, 256, 512,
                new OptimizerSettings(ADAM, 0.01, 1e-4, 0, false),
                new Schedule(LearningRateSchedule.CONSTANT, 0),
                Augmentation.none(), 0, false, 0, Normalization.cifar10(), false, Precision.FP32);
    }

    /**
     * SGD + Nesterov with one-cycle, crop + flip, label smoothing and flip TTA on the CIFAR stem.
     * Peak lr 0.4 is the classic 0.1 at batch 128 scaled linearly to batch 512 (Goyal et al. 2017),
     * reached after a 6-epoch (20 %) warm-up that keeps the large rate stable early on.
     */
    public static TrainingRecipe fast() {
        return new TrainingRecipe(Architecture.RESNET18_CIFAR, 30, 512, 1024,
                new OptimizerSettings(SGD, 0.4, 5e-4, 0.9, true),
                new Schedule(LearningRateSchedule.ONECYCLE, 6),
                new Augmentation(4, true), 0.1, true, 0, Normalization.cifar10(), false, Precision.FP32);
    }

    public TrainingRecipe withEpochs(int newEpochs) {
        return new TrainingRecipe(architecture, newEpochs, batchSize, evalBatchSize, optimizer, schedule,
                augmentation, labelSmoothing, testTimeAugmentation, randomSeed, normalization, freezeBackbone, precision);
    }

    public TrainingRecipe withPrecision(Precision newPrecision) {
        return new TrainingRecipe(architecture, epochs, batchSize, evalBatchSize, optimizer, schedule,
                augmentation, labelSmoothing, testTimeAugmentation, randomSeed, normalization, freezeBackbone,
                newPrecision);
    }

    /** Steps in one epoch of {@code examples} images; the last, partial batch is kept. */
    public int stepsPerEpoch(int examples) {
        return (examples + batchSize - 1) / batchSize;
    }
}
