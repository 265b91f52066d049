package dev.resnetservice.training;

/** Where an epoch and its job stand: the data of the {@code progress} event. */
public record Progress(
        int epoch,
        int batch,
        int batches,
        double trainLoss,               // running mean of this epoch's batch losses
        double examplesPerSecond,
        double etaSeconds,              // until this epoch's training part ends
        double jobEtaSeconds) {         // until the job's last epoch ends, evaluation included
}
