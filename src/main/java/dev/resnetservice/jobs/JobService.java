package dev.resnetservice.jobs;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.WorkerThread;
import dev.resnetservice.data.DatasetException;
import dev.resnetservice.data.Datasets;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.jboss.logging.Logger;

/**
 * Accepts, lists, cancels and resumes jobs, and runs them one at a time in FIFO order on a
 * single worker thread: DJL allows one GradientCollector per JVM.
 */
@ApplicationScoped
public class JobService implements JobUpdates {

    private static final Logger LOG = Logger.getLogger(JobService.class);
    private static final Set<JobState> RESUMABLE = Set.of(JobState.INTERRUPTED, JobState.CANCELLED, JobState.FAILED);

    private final JobRepository repository;
    private final JobStore store;
    private final JobEvents events;
    private final JobRunner runner;
    private final Datasets datasets;
    private final JobMemory memory;
    private final Instance<JobFilesInUse> filesInUse;
    private final int maxQueued;
    private final Map<String, JobState> stopRequests = new ConcurrentHashMap<>();
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Duration shutdownGrace;
    private volatile boolean stopping;
    private Thread worker;

    public JobService(JobRepository repository, JobStore store, JobEvents events, JobRunner runner, Datasets datasets, JobMemory memory,
            Instance<JobFilesInUse> filesInUse, ResnetConfig config) {
        this.repository = repository;
        this.store = store;
        this.memory = memory;
        this.filesInUse = filesInUse;
        this.events = events;
        this.runner = runner;
        this.datasets = datasets;
        this.maxQueued = config.jobs().maxQueued();
        this.shutdownGrace = config.jobs().shutdownGrace();
    }

    /** Reloads the jobs on disk: running ones were cut off by a crash, queued ones run again. */
    void onStart(@Observes StartupEvent event) {
        List<Job> stored = repository.list();
        for (Job job : stored) {
            if (job.state() == JobState.RUNNING) {
                save(job.finished(JobState.INTERRUPTED, JobRunner.INTERRUPTED, Instant.now()));
                LOG.infof("job %s was running when the service stopped: now interrupted, resume it with"
                        + " POST /jobs/%s/resume", job.id(), job.id());
            }
        }
        stored.stream()
                .filter(job -> job.state() == JobState.QUEUED)
                .forEach(job -> queue.add(job.id()));
        worker = WorkerThread.start("training-worker", this::runNext);
    }

    /**
     * Stops like a cancel: the running job ends its batch, is saved as interrupted (with every
     * checkpoint it wrote) and the process exits, within {@code resnet.jobs.shutdown-grace}.
     */
    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping = true;
        boolean training = list().stream().anyMatch(job -> job.state() == JobState.RUNNING);
        if (!training) {
            worker.interrupt();
        }
        worker.join(shutdownGrace.toMillis());
        if (worker.isAlive()) {
            LOG.warnf("the running job did not stop within %s (resnet.jobs.shutdown-grace); it will be"
                    + " interrupted at the next start", shutdownGrace);
            worker.interrupt();
        }
    }

    public Job submit(JobSpec spec) {
        memory.check(spec);
        try {
            datasets.checkAvailable(spec.dataset().path());
        } catch (DatasetException e) {
            throw new InvalidSpecException("dataset.path", e.getMessage());
        }
        store.requireFreeSpace("a new job");
        return enqueue(Job.queued(JobIds.next(), spec, Instant.now()));
    }

    /** Puts an interrupted, cancelled or failed job back in the queue, to continue from its newest checkpoint. */
    public Job resume(String id) {
        synchronized (queue) {
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
        synchronized (queue) {
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
        synchronized (queue) {
            Job job = get(id);
            switch (job.state()) {
                case QUEUED, INTERRUPTED -> {
                    if (job.state() == JobState.INTERRUPTED || queue.remove(id)) {
                        return save(job.finished(JobState.CANCELLED, null, Instant.now()));
                    }
                    // Taken by the worker and about to run: the runner checks this before it starts.
                    stopRequests.put(id, JobState.CANCELLED);
                    return job;
                }
                case RUNNING -> {
                    stopRequests.put(id, JobState.CANCELLED);
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

    private Job enqueue(Job job) {
        synchronized (queue) {
            if (queue.size() >= maxQueued) {
                throw new QueueFullException(maxQueued);
            }
            save(job);
            queue.add(job.id());
            return job;
        }
    }

    /**
     * One job from the queue, run to its end. A cancel that arrives between the take and the start
     * stays in stopRequests for the runner's first check; during shutdown a job is left queued.
     */
    private void runNext() throws InterruptedException {
        if (stopping) {
            throw new InterruptedException("shutting down");
        }
        String id = queue.take();
        Job job;
        synchronized (queue) {
            job = repository.find(id).orElse(null);
            if (job == null || job.state() != JobState.QUEUED || stopping) {
                return;
            }
        }
        try {
            runner.run(job, this, () -> stopping ? JobState.INTERRUPTED : stopRequests.get(id));
        } finally {
            stopRequests.remove(id);
        }
    }
}
