package dev.resnetservice.inference;

import dev.resnetservice.web.ProblemException;

public class ModelNotFoundException extends ProblemException {

    public ModelNotFoundException(String name) {
        super(404, "Model not found", "no model named '" + name + "'; GET /models lists them"
                + " (<job-id> for a job's newest checkpoint, <job-id>@<epoch> for one epoch)", null);
    }
}
