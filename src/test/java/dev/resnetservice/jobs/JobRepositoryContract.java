package dev.resnetservice.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.resnetservice.workers.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** What every JobRepository must do; run against the file store and PostgreSQL alike. */
abstract class JobRepositoryContract {

    protected final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    protected abstract JobRepository repository();

    private static Job queued(String id, Instant created) {
        return Job.queued(id, JobSpec.defaults(), created.truncatedTo(ChronoUnit.MICROS));
    }

    @Test
    void savesFindsListsOldestFirstAndDeletes() {
        JobRepository repository = repository();
        Instant now = Instant.now();
        Job older = queued("20261205-120000-aaaaaa", now.minusSeconds(60));
        Job newer = queued("20261205-120100-bbbbbb", now);
        repository.save(newer);
        repository.save(older);
        assertEquals(List.of(older.id(), newer.id()), repository.list().stream().map(Job::id).toList());

        Job running = older.running("cpu", now);
        repository.save(running);
        assertEquals(Optional.of(running), repository.find(older.id()));
        assertEquals(JobState.RUNNING, repository.find(older.id()).orElseThrow().state());

        repository.delete(newer.id());
        assertEquals(Optional.empty(), repository.find(newer.id()));
        assertEquals(List.of(older.id()), repository.list().stream().map(Job::id).toList());
    }

    @Test
    void eventsCountFromOneAndAStreamWalksThemInOrder() {
        JobRepository repository = repository();
        Job job = queued("20261205-120200-cccccc", Instant.now());
        repository.save(job);
        assertEquals(1, repository.append(job.id(), JobEvent.STATE, mapper.valueToTree(Map.of("state", "queued"))).id());
        assertEquals(2, repository.append(job.id(), JobEvent.PROGRESS, mapper.valueToTree(Map.of("batch", 7))).id());

        assertEquals(new StreamEvent(1, "state", "{\"state\":\"queued\"}"), repository.next(job.id(), 0));
        assertEquals("{\"batch\":7}", repository.next(job.id(), 1).data());
        assertNull(repository.next(job.id(), 2));
        assertEquals(List.of(1L, 2L), repository.events(job.id()).stream().map(JobEvent::id).toList());
        assertEquals(7, repository.events(job.id()).get(1).data().get("batch").asInt());
    }

    @Test
    void concurrentAppendsNeverShareOrSkipAnId() throws Exception {
        JobRepository repository = repository();
        Job job = queued("20261205-120300-dddddd", Instant.now());
        repository.save(job);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> ids = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int batch = i;
                ids.add(pool.submit(() -> repository.append(job.id(), JobEvent.PROGRESS,
                        mapper.valueToTree(Map.of("batch", batch))).id()));
            }
            List<Long> seen = new ArrayList<>();
            for (Future<Long> id : ids) {
                seen.add(id.get());
            }
            Collections.sort(seen);
            assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), seen);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theDefaultModelIsRememberedAndReplaced() {
        JobRepository repository = repository();
        assertEquals(Optional.empty(), repository.defaultModel());
        repository.setDefaultModel("20261205-120400-eeeeee@3");
        repository.setDefaultModel("20261205-120400-eeeeee@4");
        assertEquals(Optional.of("20261205-120400-eeeeee@4"), repository.defaultModel());
    }

    @Test
    void deletingAJobDeletesItsEvents() {
        JobRepository repository = repository();
        Job job = queued("20261205-120500-ffffff", Instant.now());
        repository.save(job);
        repository.append(job.id(), JobEvent.STATE, mapper.valueToTree(Map.of("state", "queued")));
        repository.delete(job.id());
        assertTrue(repository.events(job.id()).isEmpty());
    }

    @Test
    void workersClaimTheOldestQueuedJobOnceEach() throws Exception {
        JobRepository repository = repository();
        Instant now = Instant.now();
        for (int i = 0; i < 6; i++) {
            repository.save(queued("20261205-1207" + i + "0-gggggg", now.plusSeconds(i)));
        }
        assertEquals(6, repository.countQueued());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Optional<JobRepository.Claim>>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String worker = "worker-" + (i % 2);
                claims.add(pool.submit(() -> repository.claim(worker, Duration.ofSeconds(30))));
            }
            List<String> claimed = new ArrayList<>();
            for (Future<Optional<JobRepository.Claim>> claim : claims) {
                claim.get().ifPresent(c -> claimed.add(c.job().id()));
            }
            assertEquals(6, claimed.size(), "six jobs, each claimed once: " + claimed);
            assertEquals(6, claimed.stream().distinct().count());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, repository.countQueued());
        assertEquals(Optional.empty(), repository.claim("worker-2", Duration.ofSeconds(30)));
    }

    @Test
    void aClaimedJobCannotBeCancelledFromTheQueueButItsWorkerIsAskedToStop() {
        JobRepository repository = repository();
        Job first = queued("20261205-120800-hhhhhh", Instant.now());
        Job second = queued("20261205-120900-iiiiii", Instant.now().plusSeconds(1));
        repository.save(first);
        repository.save(second);
        JobRepository.Claim claim = repository.claim("worker-a", Duration.ofSeconds(30)).orElseThrow();
        assertEquals(first.id(), claim.job().id());
        assertEquals(1, claim.attempt());
        assertTrue(repository.renew(first.id(), "worker-a", Duration.ofSeconds(30)));

        assertFalse(repository.cancelIfQueued(first.id()), "claimed: its worker must stop it");
        repository.requestStop(first.id(), JobState.CANCELLED);
        assertEquals(Optional.of(JobState.CANCELLED), repository.stopRequest(first.id()));
        assertTrue(repository.cancelIfQueued(second.id()));
        assertEquals(Optional.empty(), repository.stopRequest(second.id()));
    }

    @Test
    void aJobGivenBackIsClaimedAgainWithoutUsingUpAnAttempt() {
        JobRepository repository = repository();
        Job job = queued("20261205-120950-kkkkkk", Instant.now());
        repository.save(job);
        JobRepository.Claim first = repository.claim("worker-a", Duration.ofSeconds(30)).orElseThrow();
        repository.save(first.job().running("cpu", Instant.now()));

        repository.release(job.id(), "worker-a");
        assertFalse(repository.renew(job.id(), "worker-a", Duration.ofSeconds(30)), "no longer worker-a's");
        assertEquals(List.of(), repository.requeueLapsed(), "given back, not lost");
        repository.save(first.job().requeued());
        assertEquals(1, repository.countQueued());
        JobRepository.Claim again = repository.claim("worker-b", Duration.ofSeconds(30)).orElseThrow();
        assertEquals(job.id(), again.job().id());
        assertEquals(1, again.attempt(), "a shutdown is not a failed attempt");
    }

    @Test
    void workersAreListedAsTheyReported() {
        JobRepository repository = repository();
        Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        repository.saveWorker(new Worker("gpu-node-1-4242", "gpu-node-1", "gpu:0", "idle", null, started, started));
        repository.saveWorker(new Worker("gpu-node-1-4242", "gpu-node-1", "gpu:0", "training", "20261205-121000-jjjjjj",
                started, started));
        List<Worker> workers = repository.workers();
        assertEquals(1, workers.size());
        assertEquals("20261205-121000-jjjjjj", workers.get(0).job());
        assertEquals("training", workers.get(0).state());
    }
}
