package dev.resnetservice.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.testdata.PostgresTestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract on a real PostgreSQL server, in a database of this test's own. */
class PostgresJobRepositoryTest extends JobRepositoryContract {

    private PostgresTestDatabase database;

    @Override
    protected JobRepository repository() {
        database = PostgresTestDatabase.create();
        return new PostgresJobRepository(database.dataSource(), mapper);
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aLapsedLeaseIsTakenBackAndAnotherWorkerContinuesAsTheNextAttempt() throws Exception {
        JobRepository repository = repository();
        Job job = Job.queued("20261205-121100-kkkkkk", JobSpec.defaults(), Instant.now());
        repository.save(job);
        JobRepository.Claim first = repository.claim("worker-a", Duration.ofSeconds(30)).orElseThrow();
        repository.save(first.job().running("cpu", Instant.now()));
        assertEquals(List.of(), repository.requeueLapsed(), "the lease still holds");
        // worker-a's last renewal gives it a millisecond; then it falls silent
        assertTrue(repository.renew(job.id(), "worker-a", Duration.ofMillis(1)));
        Thread.sleep(100);

        List<JobRepository.Lapsed> lapsed = repository.requeueLapsed();
        assertEquals(1, lapsed.size());
        assertEquals("worker-a", lapsed.get(0).worker());
        assertEquals(1, lapsed.get(0).attempts());
        assertFalse(repository.renew(job.id(), "worker-a", Duration.ofSeconds(30)), "worker-a lost it");
        repository.save(lapsed.get(0).job().requeued());

        JobRepository.Claim second = repository.claim("worker-b", Duration.ofSeconds(30)).orElseThrow();
        assertEquals(job.id(), second.job().id());
        assertEquals(2, second.attempt(), "attempts survive the failover");
        assertFalse(repository.renew(job.id(), "worker-a", Duration.ofSeconds(30)));
        assertTrue(repository.renew(job.id(), "worker-b", Duration.ofSeconds(30)));
    }

    @Test
    void aRestartingServerIsWaitedForAndABadStatementIsNot() {
        assertTrue(PostgresJobRepository.unreachable(new SQLException("terminating connection", "57P01")));
        assertTrue(PostgresJobRepository.unreachable(new SQLException("connection refused", "08001")));
        assertTrue(PostgresJobRepository.unreachable(new SQLException("I/O error", "08006")));
        assertFalse(PostgresJobRepository.unreachable(new SQLException("duplicate key", "23505")));
        assertFalse(PostgresJobRepository.unreachable(new SQLException("syntax error", "42601")));
    }
}
