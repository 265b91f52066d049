package dev.resnetservice.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.jobs.Job;
import dev.resnetservice.jobs.JobService;
import dev.resnetservice.jobs.JobState;
import dev.resnetservice.jobs.JobStore;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Every checkpoint of every job is a model; without a choice the newest succeeded job's newest is the default. */
@ApplicationScoped
public class ModelCatalog {

    private final JobService jobs;
    private final JobStore store;
    private final CheckpointStore checkpoints;

    public ModelCatalog(JobService jobs, JobStore store, ObjectMapper mapper) {
        this.jobs = jobs;
        this.store = store;
        this.checkpoints = new CheckpointStore(mapper);
    }

    public List<ModelInfo> list() {
        Optional<Job> defaultJob = jobs.list().stream()
                .filter(job -> job.state() == JobState.SUCCEEDED && !job.checkpoints().isEmpty())
                .max(Comparator.comparing(Job::finishedAt));
        List<ModelInfo> models = new ArrayList<>();
        for (Job job : jobs.list()) {
            List<Checkpoint> found = checkpointsOf(job);
            for (Checkpoint checkpoint : found) {
                boolean latest = checkpoint == found.get(found.size() - 1);
                boolean isDefault = latest && defaultJob.filter(job::equals).isPresent();
                models.add(info(job, checkpoint, latest, isDefault));
            }
        }
        return models;
    }

    private List<Checkpoint> checkpointsOf(Job job) {
        try {
            return checkpoints.list(store.checkpointsDir(job.id()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints of job " + job.id(), e);
        }
    }

    private static ModelInfo info(Job job, Checkpoint checkpoint, boolean latest, boolean isDefault) {
        var manifest = checkpoint.manifest();
        JsonNode accuracy = manifest.metrics().get("testAccuracy");
        return new ModelInfo(job.id() + "@" + checkpoint.epoch(), job.id(), checkpoint.epoch(),
                manifest.architecture(), manifest.parameterCount(), manifest.classes(),
                accuracy == null ? null : accuracy.asDouble(), manifest.createdAt(), latest, isDefault);
    }
}
