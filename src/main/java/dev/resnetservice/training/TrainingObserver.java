package dev.resnetservice.training;

import ai.djl.Model;

/** What a training run tells the outside world, on the training thread. */
public interface TrainingObserver {

    void onProgress(Progress progress);

    /** Called after each evaluated epoch with the model in its state at the end of that epoch. */
    void onEpoch(EpochMetrics metrics, Model model);

    /** Asked between batches; true stops the run within one batch. */
    boolean cancelled();
}
