package dev.resnetservice.training;

/** The six figures the seed recipe reports per epoch: the data of the {@code epoch} event. */
public record EpochMetrics(
        int epoch,
        int epochs,
        double trainLoss,                 // mean of the batch losses
        double testLoss,                  // mean of the batch losses, eval mode
        double testAccuracy,              // 0..1
        double trainExamplesPerSecond,
        double testExamplesPerSecond,
        double epochSeconds,              // training plus evaluation, checkpoint not included
        int trainExamples) {              // images trained on in this epoch
}
