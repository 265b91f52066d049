package dev.resnetservice.workers;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.jobs.JobRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The workers of the cluster as they last reported; one silent for longer than a lease is lost. */
@ApplicationScoped
public class Workers {

    private final JobRepository repository;
    private final Duration lease;

    public Workers(JobRepository repository, ResnetConfig config) {
        this.repository = repository;
        this.lease = config.worker().lease();
    }

    public List<Worker> list() {
        Instant silentSince = Instant.now().minus(lease);
        return repository.workers().stream()
                .map(w -> w.lastHeartbeat().isBefore(silentSince)
                        ? new Worker(w.id(), w.host(), w.device(), "lost", w.job(), w.startedAt(), w.lastHeartbeat()) : w)
                .toList();
    }
}
