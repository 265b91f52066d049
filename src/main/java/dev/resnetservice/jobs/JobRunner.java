package dev.resnetservice.jobs;

import ai.djl.Device;
import ai.djl.Model;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.Cifar10Dataset;
import dev.resnetservice.data.Datasets;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.model.ResNet18;
import dev.resnetservice.training.EpochMetrics;
import dev.resnetservice.training.Progress;
import dev.resnetservice.training.TrainingDevices;
import dev.resnetservice.training.TrainingObserver;
import dev.resnetservice.training.TrainingRecipe;
import dev.resnetservice.training.TrainingRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/** Runs one job to its end: data, network, the epoch loop, a checkpoint per epoch, the final state. */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final TrainingDevices devices;
    private final Datasets datasets;
    private final JobStore store;
    private final CheckpointStore checkpoints;
    private final ObjectMapper mapper;

    public JobRunner(TrainingDevices devices, Datasets datasets, JobStore store, ObjectMapper mapper) {
        this.devices = devices;
        this.datasets = datasets;
        this.store = store;
        this.checkpoints = new CheckpointStore(mapper);
        this.mapper = mapper;
    }

    /**
     * @param publish saves and announces each new state of the job, returning it
     * @param stopRequest the state a stop was asked for (cancelled, interrupted), or null
     */
    public Job run(Job job, UnaryOperator<Job> publish, Supplier<JobState> stopRequest) {
        JobSpec spec = job.spec();
        JobObserver observer = new JobObserver(job, publish, stopRequest);
        try {
            Device device = devices.resolve(spec.device());
            observer.job = publish.apply(job.running(devices.describe(device), Instant.now()));
            Cifar10Dataset data = datasets.load(spec.dataset().path());
            data = new Cifar10Dataset(data.train().first(spec.limitTrain()), data.test().first(spec.limitTest()),
                    data.classes());
            TrainingRecipe recipe = spec.recipe();
            LOG.infof("job %s: %s on %s, %d train / %d test images, %d epochs of batch %d", job.id(),
                    spec.model(), devices.describe(device), data.train().size(), data.test().size(),
                    recipe.epochs(), recipe.batchSize());
            boolean complete;
            try (Model model = Model.newInstance(job.id(), device, "PyTorch")) {
                model.setBlock(ResNet18.build(recipe.architecture(), data.classes().size()));
                observer.data = data;
                observer.recipe = recipe;
                complete = new TrainingRun(recipe, data, model, observer).run(1);
            }
            JobState end = complete ? JobState.SUCCEEDED : stopRequest.get();
            String why = end == JobState.INTERRUPTED ? "the service stopped while this job ran" : null;
            LOG.infof("job %s: %s", job.id(), end.json());
            return publish.apply(observer.job.finished(end, why, Instant.now()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s failed", job.id());
            return publish.apply(observer.job.finished(JobState.FAILED, readable(e), Instant.now()));
        }
    }

    /** The message a user can act on; the class name only when the exception has none. */
    private static String readable(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** Turns the training run's reports into job updates and checkpoints. */
    private final class JobObserver implements TrainingObserver {
        private final UnaryOperator<Job> publish;
        private final Supplier<JobState> stopRequest;
        private Job job;
        private Cifar10Dataset data;
        private TrainingRecipe recipe;

        JobObserver(Job job, UnaryOperator<Job> publish, Supplier<JobState> stopRequest) {
            this.job = job;
            this.publish = publish;
            this.stopRequest = stopRequest;
        }

        @Override
        public void onProgress(Progress progress) {
            // Progress reaches clients as events (a later step); job.json changes once per epoch.
        }

        @Override
        public void onEpoch(EpochMetrics metrics, Model model) {
            try {
                Checkpoint checkpoint = checkpoints.write(store.checkpointsDir(job.id()), metrics.epoch(),
                        model.getBlock(), recipe.architecture(), data.classes(), recipe.normalization(),
                        mapper.valueToTree(metrics));
                String path = store.home().relativize(checkpoint.params()).toString();
                job = publish.apply(job.epochDone(metrics,
                        new CheckpointRef(metrics.epoch(), path, checkpoint.manifest().sha256())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the checkpoint of epoch " + metrics.epoch()
                        + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean cancelled() {
            return stopRequest.get() != null;
        }
    }
}
