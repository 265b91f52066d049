package dev.resnetservice.datasets;

import java.util.List;

/** GET /datasets/&lt;name&gt;/samples: the first training images of every class, as PNG data URLs. */
public record DatasetSamples(String name, List<ClassSamples> classes) {

    public record ClassSamples(String name, List<String> images) {
    }
}
