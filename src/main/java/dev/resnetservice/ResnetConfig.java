package dev.resnetservice;

import dev.resnetservice.training.Precision;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Every setting of the service, under {@code resnet.}; each is also an environment variable (RESNET_HOME, ...). */
@ConfigMapping(prefix = "resnet")
public interface ResnetConfig {

    /** The folder that holds datasets, jobs and models. */
    @WithDefault("resnet-home")
    Path home();

    /** Where jobs, events and the default model live: file (under resnet.home, the default) or postgres (cluster mode). */
    @WithDefault("file")
    String store();

    /** Embedded mode: one process owns the home folder and keeps jobs in files; otherwise cluster mode. */
    default boolean embedded() {
        return "file".equals(store());
    }

    /** all: API and one training worker (the default); api: API only; worker: trains, serves only /q. */
    @WithDefault("all")
    String role();

    Worker worker();

    /** When set, every POST, PUT and DELETE needs {@code Authorization: Bearer <token>}. */
    Optional<String> apiToken();

    /**
     * With an api-token set, API reads (GET) need it too, as the header or the page's session cookie
     * (POST /session); health, metrics, the API description and the page's own files stay open.
     */
    @WithDefault("true")
    boolean guardReads();

    /**
     * When set, inference (POST /predict, POST /v2/models/.../infer) needs {@code Authorization: Bearer}
     * with this token or the api-token; when unset, inference is open, whatever the api-token.
     */
    Optional<String> predictToken();

    /**
     * The device for jobs that say {@code auto} and for predictions: auto (a GPU when libtorch sees one), cpu,
     * gpu or gpu:N. A GPU named here must be there and pass the self-test, or start-up fails saying why.
     */
    @WithDefault("auto")
    String device();

    /** Below this much free space on the home folder's disk new jobs get 507 and a running one stops before its next checkpoint. */
    @WithDefault("1G")
    MemorySize minFreeDisk();

    /** Request bodies other than data set archives larger than this get 413 (chunked ones without a length, 411). */
    @WithDefault("10240K")
    MemorySize maxRequestBody();

    /** Tune glibc malloc for libtorch at start-up (see MallocTuning); about 1.3x faster training steps. */
    @WithDefault("true")
    boolean mallocTuning();

    Dataset dataset();

    DatasetImports datasets();

    Jobs jobs();

    Models models();

    Predict predict();

    interface Models {
        /** A safetensors file POST /models takes; resnet18's is 45 MB. Larger ones get 413. */
        @WithDefault("256M")
        MemorySize maxImport();
    }

    interface Dataset {
        /** Fetch CIFAR-10 into the home folder when a job needs it and it is missing. */
        @WithDefault("true")
        boolean download();

        /** Where the official archive is fetched from; a mirror must serve the same bytes (size and MD5 are checked). */
        @WithDefault("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")
        URI url();

        /** Where CIFAR-100's binary archive is fetched from; the same checks. */
        @WithDefault("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz")
        URI cifar100Url();
    }

    interface DatasetImports {
        /**
         * Server folders a job's dataset.path and POST /datasets may name (comma-separated); by default
         * only {@code <home>/datasets}, so a request cannot make the service read any other folder.
         */
        Optional<List<Path>> roots();

        /** Images of an import larger than this (width x height, read from the header) are skipped and listed. */
        @WithDefault("16777216")
        long maxImagePixels();

        /** Files one import may hold; a folder or archive with more is refused before any image is read. */
        @WithDefault("200000")
        int maxFiles();

        /** An uploaded archive larger than this gets 413 as it arrives (it sets quarkus.http.limits.max-body-size). */
        @WithDefault("1G")
        MemorySize maxUpload();

        /** What an archive may unpack to; past this it is refused while unpacking, so a zip bomb stops early. */
        @WithDefault("4G")
        MemorySize maxUnpacked();
    }

    interface Jobs {
        /** Jobs that may wait for the worker; beyond this POST /jobs answers 503. */
        @WithDefault("16")
        int maxQueued();

        /** A comment line on idle event streams this often, so proxies keep them open. */
        @WithDefault("15s")
        Duration heartbeatInterval();

        /** Event streams open at once; beyond this GET /jobs/<id>/events answers 503. */
        @WithDefault("256")
        int maxStreams();

        /** Event streams open at once on one job; beyond this 503. */
        @WithDefault("64")
        int maxStreamsPerJob();

        /** A stream whose client has read nothing for this long is closed (it can reconnect with Last-Event-ID). */
        @WithDefault("60s")
        Duration streamStallTimeout();

        /** Memory a job may plan for; by default the machine's when jobs run on the CPU, no check on a GPU. */
        Optional<MemorySize> memoryLimit();

        /** On shutdown, how long the running job may take to finish its batch and be saved as interrupted. */
        @WithDefault("30s")
        Duration shutdownGrace();
    }

    interface Worker {
        /** How often a worker renews its job's lease, reports itself and looks for lapsed leases. */
        @WithDefault("5s")
        Duration heartbeat();

        /** A job whose worker has not renewed its lease for this long is taken over by another. */
        @WithDefault("30s")
        Duration lease();

        /** How often an idle worker looks at the queue when nothing woke it (a job queued on another replica). */
        @WithDefault("2s")
        Duration poll();
    }

    interface Predict {
        /** A device batch closes at this many images... */
        @WithDefault("64")
        int maxBatch();

        /**
         * ...or when this long has passed since its first image, waiting for more once the waiting ones
         * are taken. 0: no waiting. Measured on 2 CPU cores (OIP REST, closed loop): waiting 5 ms, or
         * until no image came for 1 ms, 0.3 ms or 0.1 ms, all served fewer images/s at concurrency 16 and 64
         * than taking what is there (1,266 and 1,914 images/s), since images pile up during each forward.
         */
        @WithDefault("0")
        int maxDelayMs();

        /** Images waiting for the device beyond this get 503. */
        @WithDefault("1024")
        int maxQueued();

        /** Larger images (width x height, read from the header before decoding) get 413. */
        @WithDefault("16777216")
        long maxPixels();

        /** Images wider or taller than this get 413, whatever their pixel count. */
        @WithDefault("16384")
        int maxSide();

        /** Images in one request; more get 413. */
        @WithDefault("64")
        int maxImages();

        /** Requests decoding images at once; beyond this 503 (decoding a large image takes memory and a core). */
        @WithDefault("8")
        int maxConcurrentDecodes();

        /** How long a request waits for the device before it is answered 503. */
        @WithDefault("30s")
        Duration timeout();

        /**
         * Threads running device batches side by side; absent: one per core on the CPU (each forward on
         * one core), one on a GPU. On the CPU the cores are shared out among them.
         */
        Optional<Integer> threads();

        /** fp32, or bf16: the served network's forward under bf16 autocast (checkpoints stay fp32). */
        @WithDefault("fp32")
        Precision precision();
    }
}
