package dev.resnetservice.inference;

import dev.resnetservice.web.ProblemException;

public class PredictQueueFullException extends ProblemException {

    public PredictQueueFullException(int maxQueued) {
        super(503, "Prediction queue full", maxQueued + " images are already waiting for the device"
                + " (resnet.predict.max-queued); try again shortly", null);
    }

    @Override
    public int retryAfterSeconds() {
        return 1;
    }
}
