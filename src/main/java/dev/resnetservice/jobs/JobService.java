package dev.resnetservice.jobs;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.data.DatasetException;
import dev.resnetservice.data.Datasets;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.jboss.logging.Logger;

/**
 * Accepts, lists and cancels jobs, and runs them one at a time in FIFO order on a single worker
 * thread: DJL allows one GradientCollector per JVM.
 */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);

    private final JobStore store;
    private final JobRunner runner;
    private final Datasets datasets;
    private final int maxQueued;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, JobState> stopRequests = new ConcurrentHashMap<>();
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private Thread worker;

    public JobService(JobStore store, JobRunner runner, Datasets datasets, ResnetConfig config) {
        this.store = store;
        this.runner = runner;
        this.datasets = datasets;
        this.maxQueued = config.jobs().maxQueued();
    }

    /** Reloads the jobs on disk: running ones were cut off by a crash, queued ones run again. */
    void onStart(@Observes StartupEvent event) {
        for (Job job : store.loadAll()) {
            if (job.state() == JobState.RUNNING) {
                job = job.finished(JobState.INTERRUPTED, "the service stopped while this job ran", Instant.now());
                store.save(job);
                LOG.infof("job %s was running when the service stopped: now interrupted", job.id());
            }
            jobs.put(job.id(), job);
        }
        jobs.values().stream()
                .filter(job -> job.state() == JobState.QUEUED)
                .sorted(Comparator.comparing(Job::createdAt))
                .forEach(job -> queue.add(job.id()));
        worker = new Thread(this::work, "training-worker");
        // The engine finds its providers through the context class loader.
        worker.setContextClassLoader(JobService.class.getClassLoader());
        worker.setDaemon(true);
        worker.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        jobs.values().stream()
                .filter(job -> job.state() == JobState.RUNNING)
                .forEach(job -> stopRequests.put(job.id(), JobState.INTERRUPTED));
        worker.interrupt();
    }

    public Job submit(JobSpec spec) {
        try {
            datasets.checkAvailable(spec.dataset().path());
        } catch (DatasetException e) {
            throw new InvalidSpecException("dataset.path", e.getMessage());
        }
        synchronized (queue) {
            if (queue.size() >= maxQueued) {
                throw new QueueFullException(maxQueued);
            }
            Job job = Job.queued(JobIds.next(), spec, Instant.now());
            publish(job);
            queue.add(job.id());
            return job;
        }
    }

    public List<Job> list() {
        return jobs.values().stream().sorted(Comparator.comparing(Job::createdAt)).toList();
    }

    public Job get(String id) {
        Job job = JobIds.valid(id) ? jobs.get(id) : null;
        if (job == null) {
            throw new JobNotFoundException(id);
        }
        return job;
    }

    /** A queued job never starts; a running one stops within a batch and keeps its checkpoints. */
    public Job cancel(String id) {
        synchronized (queue) {
            Job job = get(id);
            if (job.state() == JobState.QUEUED) {
                queue.remove(id);
                return publish(job.finished(JobState.CANCELLED, null, Instant.now()));
            }
            if (job.state() == JobState.RUNNING) {
                stopRequests.put(id, JobState.CANCELLED);
            }
            return job;
        }
    }

    private Job publish(Job job) {
        // One job changes at a time per thread; saving before showing it means a job never
        // appears in a state that a restart would not find.
        store.save(job);
        jobs.put(job.id(), job);
        return job;
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            String id;
            try {
                id = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            Job job;
            synchronized (queue) {
                job = jobs.get(id);
                if (job == null || job.state() != JobState.QUEUED) {
                    continue;
                }
                // Claimed under the lock, so a cancel from now on stops the run instead of racing it.
                job = publish(job.running(null, Instant.now()));
            }
            try {
                runner.run(job, this::publish, () -> stopRequests.get(id));
            } catch (RuntimeException e) {
                LOG.errorf(e, "job %s: the worker failed", id);
            } finally {
                stopRequests.remove(id);
            }
        }
    }
}
