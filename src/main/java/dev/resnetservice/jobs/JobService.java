package dev.resnetservice.jobs;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.data.CifarArchive;
import dev.resnetservice.data.DatasetException;
import dev.resnetservice.data.Datasets;
import dev.resnetservice.datasets.DatasetInfo;
import dev.resnetservice.datasets.DatasetNotFoundException;
import dev.resnetservice.datasets.DatasetRegistry;
import dev.resnetservice.datasets.DatasetRoots;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Accepts, lists, cancels, resumes and purges jobs through the repository; the workers
 * ({@code workers.JobWorker}, one per process that trains) take them from there.
 */
@ApplicationScoped
public class JobService implements JobUpdates {

    private static final Logger LOG = Logger.getLogger(JobService.class);
    private static final Set<JobState> RESUMABLE = Set.of(JobState.INTERRUPTED, JobState.CANCELLED, JobState.FAILED);

    private final JobRepository repository;
    private final JobStore store;
    private final JobEvents events;
    private final Datasets datasets;
    private final DatasetRegistry registry;
    private final DatasetRoots roots;
    private final JobMemory memory;
    private final PrecisionSupport precisions;
    private final InitialWeights initialWeights;
    private final Instance<JobFilesInUse> filesInUse;
    private final Event<JobQueued> queued;
    private final int maxQueued;
    private final boolean embedded;

    public JobService(JobRepository repository, JobStore store, JobEvents events, Datasets datasets,
            DatasetRegistry registry, DatasetRoots roots, JobMemory memory, InitialWeights initialWeights,
            Instance<JobFilesInUse> filesInUse, Event<JobQueued> queued, PrecisionSupport precisions,
            ResnetConfig config) {
        this.precisions = precisions;
        this.initialWeights = initialWeights;
        this.repository = repository;
        this.store = store;
        this.events = events;
        this.datasets = datasets;
        this.registry = registry;
        this.roots = roots;
        this.memory = memory;
        this.filesInUse = filesInUse;
        this.queued = queued;
        this.maxQueued = config.jobs().maxQueued();
        this.embedded = config.embedded();
        if (!List.of("all", "api", "worker").contains(config.role())) {
            throw new IllegalArgumentException("resnet.role is '" + config.role() + "', expected all, api or worker");
        }
        if (embedded && !"all".equals(config.role())) {
            throw new IllegalStateException("resnet.role=" + config.role() + " needs the cluster store (resnet.store="
                    + "postgres): API and workers in separate processes share their jobs through PostgreSQL");
        }
    }

    /**
     * Embedded mode owns its home folder alone: a job still running on disk was cut off by a crash.
     * (In cluster mode its worker's lease lapses instead, and another worker takes it over.)
     */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 10) StartupEvent event) {
        if (!embedded) {
            return;
        }
        for (Job job : repository.list()) {
            if (job.state() == JobState.RUNNING) {
                save(job.finished(JobState.INTERRUPTED, JobRunner.INTERRUPTED, Instant.now()));
                LOG.infof("job %s was running when the service stopped: now interrupted, resume it with"
                        + " POST /jobs/%s/resume", job.id(), job.id());
            }
        }
    }

    public Job submit(JobSpec spec) {
        memory.check(spec);
        precisions.check(spec);
        Optional<String> builtIn = spec.dataset().name() == null ? Optional.empty()
                : registry.builtInFormat(spec.dataset().name());
        if (builtIn.isPresent()) {
            spec = spec.onCifar(builtIn.get());
        }
        if (spec.dataset().name() != null) {
            DatasetInfo dataset;
            try {
                dataset = registry.requireReady(spec.dataset().name());
            } catch (DatasetNotFoundException e) {
                throw new InvalidSpecException("dataset.name", e.getMessage());
            }
            spec = spec.onDataset(dataset.format(), dataset.normalization());
        } else {
            if (spec.dataset().path() != null) {
                roots.folder("dataset.path", spec.dataset().path());
            }
            try {
                datasets.checkAvailable(CifarArchive.of(spec.dataset().format()), spec.dataset().path());
            } catch (DatasetException e) {
                throw new InvalidSpecException("dataset.path", e.getMessage());
            }
        }
        spec = initialWeights.resolve(spec);
        store.requireFreeSpace("a new job");
        return enqueue(Job.queued(JobIds.next(), spec, Instant.now()));
    }

    /** Puts an interrupted, cancelled or failed job back in the queue, to continue from its newest checkpoint. */
    public Job resume(String id) {
        synchronized (this) {
            Job job = get(id);
            if (!RESUMABLE.contains(job.state())) {
                throw new JobConflictException("job " + id + " is " + job.state().json()
                        + "; only interrupted, cancelled or failed jobs can be resumed");
            }
            store.requireFreeSpace("job " + id);
            return enqueue(job.requeued());
        }
    }

    /**
     * Removes a job that is not queued or running, with every file of it; a job whose files another
     * feature still uses (the chosen default model) is a conflict.
     */
    public void purge(String id) {
        synchronized (this) {
            Job job = get(id);
            if (job.state() == JobState.QUEUED || job.state() == JobState.RUNNING) {
                throw new JobConflictException("job " + id + " is " + job.state().json() + "; cancel it before purging it");
            }
            for (JobFilesInUse claim : filesInUse) {
                claim.reasonToKeep(id).ifPresent(reason -> {
                    throw new JobConflictException(reason);
                });
            }
            repository.delete(id);
            store.delete(id);
            LOG.infof("job %s purged", id);
        }
    }

    public List<Job> list() {
        return repository.list();
    }

    public Job get(String id) {
        if (!JobIds.valid(id)) {
            throw new JobNotFoundException(id);
        }
        return repository.find(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    /**
     * A queued (or interrupted) job never runs again; a running one stops within a batch and
     * keeps its checkpoints. Cancelling a cancelled job changes nothing; a finished one is a conflict.
     */
    public Job cancel(String id) {
        synchronized (this) {
            Job job = get(id);
            switch (job.state()) {
                case QUEUED -> {
                    if (repository.cancelIfQueued(id)) {
                        return save(job.finished(JobState.CANCELLED, null, Instant.now()));
                    }
                    // Claimed by a worker and about to run: the runner checks this before it starts.
                    repository.requestStop(id, JobState.CANCELLED);
                    return job;
                }
                case INTERRUPTED -> {
                    return save(job.finished(JobState.CANCELLED, null, Instant.now()));
                }
                case RUNNING -> {
                    repository.requestStop(id, JobState.CANCELLED);
                    return job;
                }
                case CANCELLED -> {
                    return job;
                }
                default -> throw new JobConflictException("job " + id + " has already " + job.state().json()
                        + "; only queued, running or interrupted jobs can be cancelled");
            }
        }
    }

    /**
     * A job whose worker was lost (its lease lapsed) goes back to the queue, to continue from its
     * newest checkpoint on another worker, unless it has had its spec's maxAttempts.
     */
    public void failover(JobRepository.Lapsed lapsed) {
        Job job = lapsed.job();
        int max = job.spec().maxAttempts();
        String lost = "worker " + lapsed.worker() + " was lost (no heartbeat within its lease)";
        if (lapsed.attempts() >= max) {
            save(job.finished(JobState.FAILED, lost + "; the job failed after " + lapsed.attempts() + " attempts"
                    + " (maxAttempts " + max + ")", Instant.now()));
            return;
        }
        Job back = job.requeued();
        save(back, new StateChange(JobState.QUEUED, null, Instant.now(), lost + "; attempt " + (lapsed.attempts() + 1)
                + " of " + max + " continues from the newest checkpoint that verifies", null, null));
        queued.fire(new JobQueued(job.id()));
    }

    /**
     * A worker shutting down (SIGTERM: a rolling update, a scale-in) gives its running job back: it
     * goes to the queue without using up an attempt, for another worker to continue from its newest
     * checkpoint.
     */
    public void handBack(Job job, String worker) {
        repository.release(job.id(), worker);
        save(job.requeued(), new StateChange(JobState.QUEUED, null, Instant.now(), "worker " + worker
                + " shut down; back in the queue, to continue from the newest checkpoint on another worker", null, null));
        queued.fire(new JobQueued(job.id()));
    }

    /** Saves the job, then tells its subscribers: a state event for a new state, done for a final one. */
    @Override
    public Job save(Job job) {
        return save(job, StateChange.of(job));
    }

    @Override
    public Job save(Job job, StateChange change) {
        Job before = repository.find(job.id()).orElse(null);
        repository.save(job);
        if (before == null || before.state() != job.state() || !Objects.equals(before.device(), job.device())) {
            events.append(job.id(), JobEvent.STATE, change);
        }
        if (job.state().terminal()) {
            events.append(job.id(), JobEvent.DONE, job);
        }
        return job;
    }

    @Override
    public void event(String jobId, String name, Object data) {
        events.append(jobId, name, data);
    }

    private synchronized Job enqueue(Job job) {
        if (repository.countQueued() >= maxQueued) {
            throw new QueueFullException(maxQueued);
        }
        save(job);
        queued.fire(new JobQueued(job.id()));
        return job;
    }
}
