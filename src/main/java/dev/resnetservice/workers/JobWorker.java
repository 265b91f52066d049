package dev.resnetservice.workers;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.WorkerThread;
import dev.resnetservice.jobs.Job;
import dev.resnetservice.jobs.JobQueued;
import dev.resnetservice.jobs.JobRepository;
import dev.resnetservice.jobs.JobRunner;
import dev.resnetservice.jobs.JobService;
import dev.resnetservice.jobs.JobState;
import dev.resnetservice.jobs.JobUpdates;
import dev.resnetservice.jobs.StateChange;
import dev.resnetservice.observability.WorkerMetrics;
import dev.resnetservice.training.TrainingDevices;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * This process's training worker (roles all and worker): takes the oldest queued job (no job is
 * ever claimed twice), trains it one at a time (DJL allows one GradientCollector per JVM), and on a
 * heartbeat renews its lease, reports itself and puts back jobs whose workers were lost. A worker
 * that finds its own lease taken (it was paused, not dead) stops that job at once and writes nothing
 * more for it.
 */
@ApplicationScoped
public class JobWorker {

    private static final Logger LOG = Logger.getLogger(JobWorker.class);

    private final JobRepository repository;
    private final JobService jobs;
    private final JobRunner runner;
    private final TrainingDevices devices;
    private final WorkerMetrics metrics;
    private final boolean enabled;
    private final Duration heartbeat;
    private final Duration lease;
    private final Duration poll;
    private final Duration shutdownGrace;
    private final boolean handsBack;
    private final String id;
    private final String host;
    private final Instant startedAt = Instant.now();
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile String current;
    private volatile boolean lost;
    private volatile boolean stopping;
    private Thread thread;
    private ScheduledExecutorService heartbeats;

    public JobWorker(JobRepository repository, JobService jobs, JobRunner runner, TrainingDevices devices,
            WorkerMetrics metrics, ResnetConfig config) {
        this.repository = repository;
        this.jobs = jobs;
        this.runner = runner;
        this.devices = devices;
        this.metrics = metrics;
        this.enabled = !"api".equals(config.role());
        this.heartbeat = config.worker().heartbeat();
        this.lease = config.worker().lease();
        this.poll = config.embedded() ? Duration.ofMinutes(1) : config.worker().poll();
        this.handsBack = !config.embedded();
        this.shutdownGrace = config.jobs().shutdownGrace();
        this.host = hostName();
        this.id = host + "-" + ProcessHandle.current().pid();
    }

    /** After the job service's own start-up (which settles a crashed embedded job). */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 20) StartupEvent event) {
        if (!enabled) {
            return;
        }
        heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread beat = new Thread(runnable, "worker-heartbeat");
            beat.setDaemon(true);
            return beat;
        });
        heartbeats.scheduleWithFixedDelay(this::beat, 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        // A job queued on another replica announces itself with its state event: look at the queue then.
        repository.listen(job -> wakeUps.release());
        thread = WorkerThread.start("training-worker", this::runNext);
        LOG.infof("worker %s: lease %s, heartbeat %s", id, lease, heartbeat);
    }

    void onQueued(@Observes JobQueued queued) {
        wakeUps.release();
    }

    /**
     * Stops like a cancel: the running job ends its batch and the process exits, within {@code
     * resnet.jobs.shutdown-grace}. Embedded, the job is saved as interrupted (with every checkpoint it
     * wrote); in cluster mode it goes back to the queue for another worker.
     */
    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (!enabled) {
            return;
        }
        stopping = true;
        if (current == null) {
            thread.interrupt();
        }
        thread.join(shutdownGrace.toMillis());
        if (thread.isAlive()) {
            LOG.warnf("the running job did not stop within %s (resnet.jobs.shutdown-grace)", shutdownGrace);
            thread.interrupt();
        }
        heartbeats.shutdownNow();
    }

    /** One job from the queue, run to its end; with none, waits for a wake-up or the poll interval. */
    private void runNext() throws InterruptedException {
        if (stopping) {
            throw new InterruptedException("shutting down");
        }
        Optional<JobRepository.Claim> claim = repository.claim(id, lease);
        if (claim.isEmpty()) {
            wakeUps.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
            wakeUps.drainPermits();
            return;
        }
        Job job = claim.get().job();
        metrics.attempted();
        current = job.id();
        lost = false;
        try {
            runner.run(job, new LeaseGuard(), () -> stopRequest(job.id()));
        } finally {
            current = null;
        }
    }

    private JobState stopRequest(String jobId) {
        if (stopping || lost) {
            return JobState.INTERRUPTED;
        }
        return repository.stopRequest(jobId).orElse(null);
    }

    /** Renews the lease, reports this worker, takes back jobs of lost workers. Never throws: it runs again. */
    private void beat() {
        try {
            String job = current;
            if (job != null && !lost && !repository.renew(job, id, lease)) {
                lost = true;
                LOG.warnf("worker %s: the lease of job %s was taken over (this process was paused longer than %s);"
                        + " stopping it without writing anything more", id, job, lease);
            }
            for (JobRepository.Lapsed lapsed : repository.requeueLapsed()) {
                LOG.warnf("job %s: worker %s was lost; back in the queue after %d attempt(s)", lapsed.job().id(),
                        lapsed.worker(), lapsed.attempts());
                metrics.failedOver();
                jobs.failover(lapsed);
            }
            repository.saveWorker(new Worker(id, host, devices.describe(devices.resolve("auto")),
                    job == null ? "idle" : "training", job, startedAt, Instant.now()));
        } catch (RuntimeException e) {
            LOG.warnf("worker %s: heartbeat failed (%s); trying again in %s", id, e.getMessage(), heartbeat);
        }
    }

    /** The job's updates while this worker holds its lease; once it is lost, nothing is written. */
    private final class LeaseGuard implements JobUpdates {
        @Override
        public Job save(Job job) {
            return save(job, StateChange.of(job));
        }

        @Override
        public Job save(Job job, StateChange change) {
            if (lost) {
                return job;
            }
            if (stopping && handsBack && job.state() == JobState.INTERRUPTED) {
                jobs.handBack(job, id);
                return job;
            }
            return jobs.save(job, change);
        }

        @Override
        public void event(String jobId, String name, Object data) {
            if (!lost) {
                jobs.event(jobId, name, data);
            }
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
