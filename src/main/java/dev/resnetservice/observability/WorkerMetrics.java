package dev.resnetservice.observability;

import dev.resnetservice.workers.Workers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * {@code resnet_workers{state}} (idle, training, lost: from the repository, so any replica tells the
 * cluster's), {@code resnet_job_attempts_total} and {@code resnet_worker_failovers_total}.
 */
@ApplicationScoped
public class WorkerMetrics {

    private final Counter attempts;
    private final Counter failovers;

    public WorkerMetrics(MeterRegistry registry, Workers workers) {
        for (String state : List.of("idle", "training", "lost")) {
            Gauge.builder("resnet.workers", () -> workers.list().stream().filter(w -> w.state().equals(state)).count())
                    .description("Training workers by state").tag("state", state).register(registry);
        }
        this.attempts = Counter.builder("resnet.job.attempts").description("Jobs taken from the queue by a worker")
                .register(registry);
        this.failovers = Counter.builder("resnet.worker.failovers")
                .description("Jobs taken back from a worker whose lease lapsed").register(registry);
    }

    public void attempted() {
        attempts.increment();
    }

    public void failedOver() {
        failovers.increment();
    }
}
