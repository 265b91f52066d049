package dev.resnetservice;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
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

    /**
     * The device for jobs that say {@code auto} and for predictions: auto (a GPU when libtorch sees one), cpu,
     * gpu or gpu:N. A GPU named here must be there and pass the self-test, or start-up fails saying why.
     */
    @WithDefault("auto")
    String device();

    /** Tune glibc malloc for libtorch at start-up (see MallocTuning); about 1.3x faster training steps. */
    @WithDefault("true")
    boolean mallocTuning();

    Dataset dataset();

    Jobs jobs();

    Predict predict();

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

        /** A comment line on idle event streams this often, so proxies keep them open. */
        @WithDefault("15s")
        Duration heartbeatInterval();

        /** Events a slow stream client may have unsent before it is closed (it can reconnect with Last-Event-ID). */
        @WithDefault("1024")
        int maxUnsentEvents();
    }

    interface Predict {
        /** A device batch closes at this many images... */
        @WithDefault("64")
        int maxBatch();

        /** ...or this long after its first image arrived. */
        @WithDefault("5")
        int maxDelayMs();

        /** Images waiting for the device beyond this get 503. */
        @WithDefault("1024")
        int maxQueued();

        /** Larger images (width x height, read from the header before decoding) get 413. */
        @WithDefault("16777216")
        long maxPixels();
    }
}
