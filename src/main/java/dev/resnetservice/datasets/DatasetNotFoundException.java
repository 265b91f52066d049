package dev.resnetservice.datasets;

import dev.resnetservice.web.ProblemException;

public class DatasetNotFoundException extends ProblemException {

    public DatasetNotFoundException(String name) {
        super(404, "Data set not found", "no data set named '" + name + "' (GET /datasets lists them)", null);
    }
}
