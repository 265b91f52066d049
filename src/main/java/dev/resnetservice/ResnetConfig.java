package dev.resnetservice;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** Every setting of the service, under {@code resnet.}; each is also an environment variable (RESNET_HOME, ...). */
@ConfigMapping(prefix = "resnet")
public interface ResnetConfig {

    /** The folder that holds datasets, jobs and models. */
    @WithDefault("resnet-home")
    Path home();

    /** When set, every POST, PUT and DELETE needs {@code Authorization: Bearer <token>}. */
    Optional<String> apiToken();

    Dataset dataset();

    Jobs jobs();

    interface Dataset {
        /** Fetch CIFAR-10 into the home folder when a job needs it and it is missing. */
        @WithDefault("true")
        boolean download();

        /** Where the official archive is fetched from; a mirror must serve the same bytes (size and MD5 are checked). */
        @WithDefault("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")
        URI url();
    }

    interface Jobs {
        /** Jobs that may wait for the worker; beyond this POST /jobs answers 503. */
        @WithDefault("16")
        int maxQueued();
    }
}
