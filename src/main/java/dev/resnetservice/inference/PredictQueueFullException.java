package dev.resnetservice.inference;

import dev.resnetservice.web.BusyException;

public class PredictQueueFullException extends BusyException {

    public PredictQueueFullException(int maxQueued) {
        super("Prediction queue full", maxQueued + " images are already waiting for the device"
                + " (resnet.predict.max-queued); try again shortly", 1);
    }
}
