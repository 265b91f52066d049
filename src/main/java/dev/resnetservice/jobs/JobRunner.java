package dev.resnetservice.jobs;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.datasets.DatasetRegistry;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.model.CorruptCheckpointException;
import dev.resnetservice.model.ModelCard;
import dev.resnetservice.model.ResNet18;
import dev.resnetservice.model.Retention;
import dev.resnetservice.training.EpochMetrics;
import dev.resnetservice.training.Progress;
import dev.resnetservice.training.TrainingDevices;
import dev.resnetservice.training.TrainingObserver;
import dev.resnetservice.training.TrainingRecipe;
import dev.resnetservice.training.TrainingRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs one job to its end: data, network (from its newest valid checkpoint when it resumes),
 * the epoch loop, a checkpoint per epoch, the final state.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    static final String INTERRUPTED = "the service stopped while this job ran";

    private final TrainingDevices devices;
    private final DatasetRegistry datasets;
    private final JobStore store;
    private final CheckpointStore checkpoints;
    private final InitialWeights initialWeights;
    private final ObjectMapper mapper;

    public JobRunner(TrainingDevices devices, DatasetRegistry datasets, JobStore store, InitialWeights initialWeights,
            ObjectMapper mapper) {
        this.devices = devices;
        this.initialWeights = initialWeights;
        this.datasets = datasets;
        this.store = store;
        this.checkpoints = new CheckpointStore(mapper);
        this.mapper = mapper;
    }

    /** @param stopRequest the state a stop was asked for (cancelled, interrupted), or null */
    public Job run(Job job, JobUpdates updates, Supplier<JobState> stopRequest) {
        JobObserver observer = new JobObserver(job, updates, stopRequest);
        try {
            if (stopRequest.get() != null) {
                return updates.save(job.finished(stopRequest.get(), null, Instant.now()));
            }
            JobSpec spec = job.spec();
            Device device = devices.resolve(spec.device());
            ImageDataset data = datasets.images(spec.dataset(), true);
            data = new ImageDataset(data.train().first(spec.limitTrain()), data.test().first(spec.limitTest()),
                    data.classes());
            TrainingRecipe recipe = spec.trainingRecipe();
            boolean complete;
            try (Model model = Model.newInstance(job.id(), device, "PyTorch")) {
                model.setBlock(ResNet18.build(recipe.architecture(), data.classes().size()));
                Job restored = restore(observer.job, observer, model);
                int resumeAfter = restored.epoch();
                if (resumeAfter == 0 && spec.init() != null) {
                    observer.start = initialWeights.load(spec.init(), model, data.classes().size());
                }
                String where = devices.describe(device);
                Job running = restored.running(where, Instant.now());
                observer.job = updates.save(running, observer.startChange(running, resumeAfter));
                LOG.infof("job %s: %s on %s from epoch %d, %d train / %d test images, %d epochs of batch %d",
                        job.id(), spec.model(), where, resumeAfter + 1, data.train().size(), data.test().size(),
                        recipe.epochs(), recipe.batchSize());
                observer.data = data;
                observer.recipe = recipe;
                complete = new TrainingRun(recipe, data, model, observer).run(resumeAfter + 1);
            }
            JobState end = complete ? JobState.SUCCEEDED : stopRequest.get();
            LOG.infof("job %s: %s", job.id(), end.json());
            return updates.save(observer.job.finished(end, end == JobState.INTERRUPTED ? INTERRUPTED : null,
                    Instant.now()));
        } catch (RuntimeException | Error e) { // an OutOfMemoryError too: the job fails, the worker goes on
            LOG.errorf(e, "job %s failed", job.id());
            return updates.save(observer.job.finished(JobState.FAILED, readable(e), Instant.now()));
        }
    }

    /**
     * Loads the newest checkpoint that verifies, noting the ones skipped, and returns the job as
     * of that epoch (epoch 0: from scratch). History and checkpoint list are rebuilt from the
     * manifests, the truth on disk: a crash between a checkpoint and job.json loses no epoch.
     */
    private Job restore(Job job, JobObserver observer, Model model) {
        if (job.startedAt() == null) {
            return job;
        }
        Path dir = store.checkpointsDir(job.id());
        try {
            Optional<Checkpoint> newest = checkpoints.newestValid(dir, skipped -> observer.skipped.add(skipped.getMessage()));
            if (newest.isPresent()) {
                checkpoints.load(newest.get(), model.getBlock(), model.getNDManager());
            }
            int epoch = newest.map(Checkpoint::epoch).orElse(0);
            // Epochs whose checkpoint the retention policy removed keep their row from job.json.
            Map<Integer, EpochMetrics> history = new TreeMap<>();
            job.history().stream().filter(row -> row.epoch() <= epoch).forEach(row -> history.put(row.epoch(), row));
            List<CheckpointRef> refs = new ArrayList<>();
            for (Checkpoint checkpoint : checkpoints.list(dir)) {
                if (checkpoint.epoch() <= epoch) {
                    history.put(checkpoint.epoch(), mapper.treeToValue(checkpoint.manifest().metrics(), EpochMetrics.class));
                    refs.add(reference(checkpoint));
                }
            }
            return job.resumedAt(epoch, List.copyOf(history.values()), refs);
        } catch (IOException | MalformedModelException e) {
            throw new CorruptCheckpointException(dir, e.getMessage());
        }
    }

    /** Removes what the job's retention policy does not keep; returns the epochs removed. */
    private Set<Integer> prune(Path dir, Retention retention) throws IOException {
        Set<Integer> removed = new TreeSet<>();
        for (Checkpoint old : retention.toRemove(checkpoints.list(dir))) {
            checkpoints.delete(old);
            removed.add(old.epoch());
        }
        return removed;
    }

    private CheckpointRef reference(Checkpoint checkpoint) {
        return new CheckpointRef(checkpoint.epoch(), store.home().relativize(checkpoint.params()).toString(),
                checkpoint.manifest().sha256());
    }

    /**
     * The message a user can act on; the class name too when there is none, or for an Error
     * ("OutOfMemoryError: ..."). Paths under the home folder are shown from there on: clients see the
     * job's error, the log keeps the whole story.
     */
    private String readable(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        message = message.replace(store.home() + File.separator, "");
        return e instanceof Error ? e.getClass().getSimpleName() + ": " + message : message;
    }

    /** Turns the training run's reports into events, job updates and checkpoints. */
    private final class JobObserver implements TrainingObserver {
        private final JobUpdates updates;
        private final Supplier<JobState> stopRequest;
        private final List<String> skipped = new ArrayList<>();
        private String start;
        private Job job;
        private ImageDataset data;
        private TrainingRecipe recipe;

        JobObserver(Job job, JobUpdates updates, Supplier<JobState> stopRequest) {
            this.job = job;
            this.updates = updates;
            this.stopRequest = stopRequest;
        }

        /** The running state event; for a resumed job it says from where, and what could not be kept. */
        StateChange startChange(Job running, int resumeAfter) {
            boolean resumed = !running.history().isEmpty() || !skipped.isEmpty() || resumeAfter > 0;
            if (!resumed) {
                // A fine-tuning job's first start says which weights it took.
                return new StateChange(running.state(), running.device(), Instant.now(), start, null, null);
            }
            String message = resumeAfter == 0
                    ? "no valid checkpoint: starting again from epoch 1"
                    : "resumed from the checkpoint of epoch " + resumeAfter + "; the optimiser's moments"
                            + " restarted (DJL does not save them), weights, learning-rate step and data order continue";
            return new StateChange(running.state(), running.device(), Instant.now(), message, resumeAfter,
                    skipped.isEmpty() ? null : List.copyOf(skipped));
        }

        @Override
        public void onProgress(Progress progress) {
            updates.event(job.id(), JobEvent.PROGRESS, progress);
        }

        @Override
        public void onEpoch(EpochMetrics metrics, Model model) {
            updates.event(job.id(), JobEvent.EPOCH, metrics);
            try {
                ModelCard card = new ModelCard(recipe.architecture(), data.classes(), recipe.normalization(),
                        recipe.testTimeAugmentation(), mapper.valueToTree(job.spec()));
                store.requireFreeSpace("the checkpoint of epoch " + metrics.epoch());
                Path dir = store.checkpointsDir(job.id());
                Checkpoint checkpoint = checkpoints.write(dir, metrics.epoch(), model.getBlock(), card,
                        mapper.valueToTree(metrics));
                CheckpointRef ref = reference(checkpoint);
                updates.event(job.id(), JobEvent.CHECKPOINT, ref);
                job = updates.save(job.epochDone(metrics, ref)
                        .withoutCheckpoints(prune(dir, job.spec().checkpoints().retention())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the checkpoint of epoch " + metrics.epoch()
                        + " under " + store.checkpointsDir(job.id()) + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean cancelled() {
            return stopRequest.get() != null;
        }
    }
}
