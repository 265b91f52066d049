package dev.resnetservice.inference.oip;

import dev.resnetservice.web.ProblemException;
import java.util.List;

/** A version (an epoch) the model has no checkpoint of. */
public class VersionNotFoundException extends ProblemException {

    public VersionNotFoundException(String model, String version, List<String> versions) {
        super(404, "Version not found", "model '" + model + "' has no version '" + version + "'; its versions"
                + " (epochs with a checkpoint) are " + String.join(", ", versions), null);
    }
}
