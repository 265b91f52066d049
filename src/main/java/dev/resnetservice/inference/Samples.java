package dev.resnetservice.inference;

import java.util.List;

/**
 * GET /jobs/&lt;id&gt;/samples: test images with their true class and what {@code model} (the
 * job's newest checkpoint, null before its first epoch ends) predicts for them.
 */
public record Samples(String job, String model, List<Sample> samples) {

    /**
     * One test image; {@code image} is a PNG data URL. {@code predicted} and {@code correct} are
     * null while the job has no checkpoint.
     */
    public record Sample(int index, String image, String label, int labelIndex,
            Prediction.ClassScore predicted, Boolean correct) {
    }
}
