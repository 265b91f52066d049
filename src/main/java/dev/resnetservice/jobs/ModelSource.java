package dev.resnetservice.jobs;

import dev.resnetservice.model.Checkpoint;

/** The models a job may start from ({@code init.model}): implemented where models are catalogued. */
public interface ModelSource {

    /**
     * The checkpoint a model name means.
     *
     * @throws dev.resnetservice.web.ProblemException when there is no such model
     */
    Checkpoint resolve(String name);

    /** The full name of a checkpoint, {@code <job-id>@<epoch>} or {@code <name>@0}. */
    String nameOf(Checkpoint checkpoint);
}
