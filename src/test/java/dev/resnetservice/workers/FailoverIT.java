package dev.resnetservice.workers;

import static dev.resnetservice.testdata.ServiceClient.epochs;
import static dev.resnetservice.testdata.ServiceClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.testdata.Cluster;
import dev.resnetservice.testdata.ServiceClient;
import dev.resnetservice.testdata.ServiceProcess;
import dev.resnetservice.testdata.SseClient;
import dev.resnetservice.testdata.SseClient.Event;
import dev.resnetservice.testdata.SyntheticCifar10;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode with packaged processes: PostgreSQL, one API and two workers on one shared home. The
 * worker running a job is killed with SIGKILL after its second checkpoint; the other takes the job
 * over when the lease lapses and finishes it from epoch 3, and a client streaming from the API sees
 * every epoch once, with ids strictly increasing.
 */
class FailoverIT {

    private static final Duration LEASE = Duration.ofSeconds(6);

    private Cluster cluster;

    @AfterEach
    void stopEverything() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledWorkersJobIsTakenOverAndFinishesWithEveryEpochOnce() throws Exception {
        cluster = Cluster.create("failover-it", Map.of("RESNET_WORKER_LEASE", LEASE.toSeconds() + "s",
                "RESNET_WORKER_HEARTBEAT", "1s", "RESNET_WORKER_POLL", "1s"));
        ServiceClient client = new ServiceClient(cluster::logs);
        Path data = SyntheticCifar10.write(cluster.work().resolve("data"), 600, 50, 13);
        List<ServiceProcess> processes = cluster.start("api", "worker", "worker");
        URI api = processes.get(0).base();

        String id = client.submit(api, Map.of("epochs", 6, "batchSize", 50, "dataset", Map.of("path", data.toString()),
                "optimizer", Map.of("lr", 0.001)));
        CompletableFuture<List<Event>> stream = CompletableFuture.supplyAsync(
                () -> SseClient.readAll(api.resolve("/jobs/" + id + "/events"), null, Duration.ofMinutes(5)));
        client.waitFor(api, id, job -> job.get("checkpoints").size() >= 2, Duration.ofMinutes(3));
        ServiceProcess running = runningWorker(client, api, id, processes.subList(1, 3));
        running.process().destroyForcibly(); // SIGKILL: no lease is handed back
        Instant killed = Instant.now();

        JsonNode done = client.waitFor(api, id, inState("succeeded"), Duration.ofMinutes(4));
        assertEquals(List.of(1, 2, 3, 4, 5, 6), epochs(done.get("history")), done::toPrettyString);
        List<Event> events = stream.get(5, TimeUnit.MINUTES);
        assertEquals(LongStream.rangeClosed(1, events.size()).boxed().toList(), events.stream().map(Event::id).toList(),
                "ids strictly increasing, none skipped");
        assertEquals(List.of(1, 2, 3, 4, 5, 6), events.stream().filter(e -> e.event().equals("epoch"))
                .map(e -> e.json().get("epoch").asInt()).toList(), "every epoch once");
        Event lost = events.stream().filter(e -> e.event().equals("state")
                && e.json().path("message").asText().contains("was lost")).findFirst()
                .orElseThrow(() -> new AssertionError("no state event naming the lost worker: " + events));
        assertTrue(lost.json().get("message").asText().contains("attempt 2 of 3"), lost.data());
        Event resumed = events.stream().filter(e -> e.event().equals("state")
                && e.json().path("resumedFromEpoch").asInt() >= 2).findFirst().orElseThrow();
        assertTrue(resumed.json().get("resumedFromEpoch").asInt() >= 2, resumed.data());
        assertTrue(Duration.between(killed, Instant.parse(lost.json().get("at").asText())).compareTo(LEASE.plusSeconds(5)) < 0,
                "taken over within lease + 5 s");
    }

    /** The worker process GET /workers reports running the job (worker ids end in the process id). */
    static ServiceProcess runningWorker(ServiceClient client, URI api, String id, List<ServiceProcess> workers) {
        JsonNode listed = client.get(api.resolve("/workers"));
        for (JsonNode worker : listed) {
            if (id.equals(worker.path("job").asText())) {
                String workerId = worker.get("id").asText();
                long pid = Long.parseLong(workerId.substring(workerId.lastIndexOf('-') + 1));
                return workers.stream().filter(w -> w.process().pid() == pid).findFirst()
                        .orElseThrow(() -> new AssertionError("no worker process with pid " + pid));
            }
        }
        return fail("no worker reports job " + id + ": " + listed);
    }
}
