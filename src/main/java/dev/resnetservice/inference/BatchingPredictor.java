package dev.resnetservice.inference;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.ResnetConfig;
import dev.resnetservice.WorkerThread;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.training.IntraOpThreads;
import dev.resnetservice.training.Precision;
import dev.resnetservice.training.TrainingDevices;
import dev.resnetservice.web.BusyException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs predictions in device batches: a batch takes the images of the same model waiting when a
 * batch thread comes free, up to {@code max-batch}, and waits up to {@code max-delay-ms} for more
 * (by default not at all: under load, images pile up while the forwards run). Batches run on a
 * few threads side by side ({@code resnet.predict.threads}); each thread owns its loaded models,
 * so switching models never races a forward.
 *
 * <p>On the CPU each thread runs its forwards on its own share of the cores. One forward spread over
 * every core, as before, cost more than it gained next to the HTTP threads: libtorch's OpenMP
 * threads spin for milliseconds after each operator, on the cores the requests are decoded and
 * answered on, and a forward waits at each of its ~25 barriers for a thread the scheduler has
 * preempted. Measured with wrk against /predict (one 32x32 PNG a request, 2 cores): at concurrency 1,
 * p99 92-114 ms with one thread on both cores, 8.3 ms with one core for the forward.
 */
@ApplicationScoped
public class BatchingPredictor {

    private static final Logger LOG = Logger.getLogger(BatchingPredictor.class);
    /** Models kept loaded at once by each thread: the default and one named by a request, typically. */
    private static final int LOADED_MODELS = 2;

    /** One image waiting for the device. */
    private record Item(Checkpoint checkpoint, ImageInput input, CompletableFuture<ImageScores> result) {

        /** A device batch holds images of one model and one kind: one tensor, one forward. */
        boolean batchesWith(Item other) {
            return checkpoint.params().equals(other.checkpoint.params())
                    && input.isNormalized() == other.input.isNormalized();
        }
    }

    private final TrainingDevices devices;
    private final CheckpointStore checkpoints;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final int maxQueued;
    private final DistributionSummary batchSizes;
    private final BlockingDeque<Item> queue = new LinkedBlockingDeque<>();
    private final Precision precision;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Duration timeout;
    private final Optional<Integer> threads;
    private final List<Thread> workers = new ArrayList<>();
    private final List<Lane> lanes = new ArrayList<>();

    public BatchingPredictor(TrainingDevices devices, ObjectMapper mapper, ResnetConfig config, MeterRegistry registry) {
        this.devices = devices;
        this.checkpoints = new CheckpointStore(mapper);
        this.maxBatch = config.predict().maxBatch();
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(config.predict().maxDelayMs());
        this.maxQueued = config.predict().maxQueued();
        this.timeout = config.predict().timeout();
        this.threads = config.predict().threads();
        this.precision = config.predict().precision();
        this.batchSizes = DistributionSummary.builder("resnet.predict.batch.size")
                .description("Images per device batch, of /predict and the Open Inference Protocol together")
                .publishPercentileHistogram()
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        Device device = devices.resolve("auto");
        int cores = Runtime.getRuntime().availableProcessors();
        int count = threads.orElse(device.isGpu() ? 1 : cores);
        if (count < 1) {
            throw new IllegalArgumentException("resnet.predict.threads: must be at least 1, got " + count);
        }
        int coresEach = Math.max(1, cores / count);
        for (int i = 0; i < count; i++) {
            Lane lane = new Lane(device, coresEach);
            lanes.add(lane);
            workers.add(WorkerThread.start("predict-" + i, lane::runNextBatch));
        }
        LOG.infof("predictions on %s: %d batch thread(s)%s", devices.describe(device), count,
                device.isGpu() ? "" : ", " + coresEach + " core(s) each");
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        workers.forEach(Thread::interrupt);
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        }
        lanes.forEach(Lane::close);
    }

    /** Class probabilities of each image (CHW uint8, 32x32), in order; see {@link #scores}. */
    public List<float[]> probabilities(Checkpoint checkpoint, List<byte[]> images) {
        return scores(checkpoint, images.stream().map(ImageInput::pixels).toList()).stream()
                .map(ImageScores::probabilities).toList();
    }

    /**
     * Waits for {@link #predict} at most {@code resnet.predict.timeout}; a failure surfaces as the
     * exception that caused it. Images still waiting when the time is up are dropped from the queue.
     */
    public List<ImageScores> scores(Checkpoint checkpoint, List<ImageInput> images) {
        List<CompletableFuture<ImageScores>> results = predict(checkpoint, images);
        try {
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return results.stream().map(CompletableFuture::join).toList();
        } catch (TimeoutException e) {
            results.forEach(result -> result.cancel(false));
            throw new BusyException("Prediction timed out", "the device did not answer within " + timeout
                    + " (resnet.predict.timeout); try again shortly", 1);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException("Prediction interrupted", "the service is stopping", 1);
        }
    }

    /**
     * The scores of each image, in order, from {@code checkpoint}'s model. Places in the queue are
     * taken for all images at once, or for none (503).
     */
    List<CompletableFuture<ImageScores>> predict(Checkpoint checkpoint, List<ImageInput> images) {
        int held;
        do {
            held = waiting.get();
            if (held + images.size() > maxQueued) {
                throw new PredictQueueFullException(maxQueued);
            }
        } while (!waiting.compareAndSet(held, held + images.size()));
        List<CompletableFuture<ImageScores>> results = new ArrayList<>();
        for (ImageInput input : images) {
            Item item = new Item(checkpoint, input, new CompletableFuture<>());
            item.result().whenComplete((ignored, error) -> waiting.decrementAndGet());
            results.add(item.result());
            queue.add(item);
        }
        return results;
    }

    /**
     * Waits for an image, then takes what is already waiting. A lone image runs at once: nobody
     * else is asking, so waiting would only add latency. When others were waiting too, the batch
     * keeps gathering images of the same model and kind until it is full or max-delay-ms have passed.
     */
    private List<Item> nextBatch() throws InterruptedException {
        Item first = queue.take();
        List<Item> batch = new ArrayList<>(List.of(first));
        List<Item> others = new ArrayList<>();
        boolean busy = false;
        long deadline = System.nanoTime() + maxDelayNanos;
        while (batch.size() < maxBatch) {
            Item next = busy ? queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            busy = true;
            (next.batchesWith(first) ? batch : others).add(next);
        }
        // Images of another model or kind keep their place at the head of the queue, in order.
        for (int i = others.size() - 1; i >= 0; i--) {
            queue.addFirst(others.get(i));
        }
        return batch;
    }

    /** A batch thread and the models it has loaded. */
    private final class Lane {

        private final Map<Path, ServedModel> loaded = new LinkedHashMap<>(4, 0.75f, true);
        private final Device device;
        private final int cores;
        private boolean started;

        Lane(Device device, int cores) {
            this.device = device;
            this.cores = cores;
        }

        /** One device batch; a failure of any kind (an OutOfMemoryError too) fails its requests, not the thread. */
        void runNextBatch() throws InterruptedException {
            if (!started) {
                // Grad mode and OpenMP's thread count are per thread: nothing here ever needs a graph.
                JniUtils.setGradMode(false);
                if (!device.isGpu() && !IntraOpThreads.setForCurrentThread(cores)) {
                    LOG.infof("%s: libtorch's thread count left as it is"
                            + " (libgomp's omp_set_num_threads absent or not honoured)",
                            Thread.currentThread().getName());
                }
                started = true;
            }
            List<Item> batch = nextBatch();
            batch.removeIf(item -> item.result().isDone()); // timed out while waiting
            if (batch.isEmpty()) {
                return;
            }
            try {
                ServedModel model = model(batch.get(0).checkpoint());
                List<ImageScores> scores = model.scores(batch.stream().map(Item::input).toList());
                batchSizes.record(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(scores.get(i));
                }
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "a prediction batch of %d images failed", batch.size());
                RuntimeException failure = e instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException("the prediction failed: " + e, e);
                batch.forEach(item -> item.result().completeExceptionally(failure));
            }
        }

        /** The loaded model for a checkpoint; the least recently used one beyond the limit is released. */
        private ServedModel model(Checkpoint checkpoint) {
            ServedModel model = loaded.get(checkpoint.params());
            if (model != null && model.checkpoint().manifest().sha256().equals(checkpoint.manifest().sha256())) {
                return model;
            }
            if (model != null) {
                loaded.remove(checkpoint.params()).close();
            }
            model = new ServedModel(checkpoint, checkpoints, device, precision);
            LOG.infof("%s serves %s on %s in %s", Thread.currentThread().getName(), checkpoint.params(),
                    devices.describe(device), precision);
            loaded.put(checkpoint.params(), model);
            if (loaded.size() > LOADED_MODELS) {
                Path eldest = loaded.keySet().iterator().next();
                loaded.remove(eldest).close();
            }
            return model;
        }

        /** After the thread has stopped. */
        void close() {
            loaded.values().forEach(ServedModel::close);
        }
    }
}
