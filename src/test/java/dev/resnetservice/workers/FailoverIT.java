package dev.resnetservice.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.testdata.PostgresTestDatabase;
import dev.resnetservice.testdata.ServiceProcess;
import dev.resnetservice.testdata.SseClient;
import dev.resnetservice.testdata.SseClient.Event;
import dev.resnetservice.testdata.SyntheticCifar10;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

    private static final Path APP = Path.of(System.getProperty("resnet.it.app",
            "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
    private static final Duration LEASE = Duration.ofSeconds(6);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final List<ServiceProcess> processes = new ArrayList<>();
    private PostgresTestDatabase database;

    @AfterEach
    void stopEverything() throws Exception {
        for (ServiceProcess process : processes) {
            process.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aKilledWorkersJobIsTakenOverAndFinishesWithEveryEpochOnce() throws Exception {
        database = PostgresTestDatabase.create();
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "failover-it")), "run-")
                .toAbsolutePath();
        Path home = work.resolve("home");
        Path data = SyntheticCifar10.write(work.resolve("data"), 600, 50, 13);
        ServiceProcess api = start(work, home, "api");
        ServiceProcess first = start(work, home, "worker");
        ServiceProcess second = start(work, home, "worker");

        String id = submit(api.base(), Map.of("epochs", 6, "batchSize", 50, "dataset", Map.of("path", data.toString()),
                "optimizer", Map.of("lr", 0.001)));
        CompletableFuture<List<Event>> stream = CompletableFuture.supplyAsync(
                () -> SseClient.readAll(api.base().resolve("/jobs/" + id + "/events"), null, Duration.ofMinutes(5)));
        waitFor(api.base(), id, job -> job.get("checkpoints").size() >= 2, Duration.ofMinutes(3));
        ServiceProcess running = runningWorker(api.base(), id, List.of(first, second));
        running.process().destroyForcibly(); // SIGKILL: no lease is handed back
        Instant killed = Instant.now();

        JsonNode done = waitFor(api.base(), id, job -> "succeeded".equals(job.get("state").asText()), Duration.ofMinutes(4));
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
        JsonNode retaken = events.stream().filter(e -> e == lost).findFirst().orElseThrow().json();
        assertTrue(Duration.between(killed, Instant.parse(retaken.get("at").asText())).compareTo(LEASE.plusSeconds(5)) < 0,
                "taken over within lease + 5 s");
    }

    private ServiceProcess start(Path work, Path home, String role) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("RESNET_STORE", "postgres", "RESNET_ROLE", role,
                "QUARKUS_DATASOURCE_JDBC_URL", database.url(), "QUARKUS_DATASOURCE_USERNAME", database.user(),
                "QUARKUS_DATASOURCE_PASSWORD", database.password(), "RESNET_WORKER_LEASE", LEASE.toSeconds() + "s",
                "RESNET_WORKER_HEARTBEAT", "1s", "RESNET_WORKER_POLL", "1s"));
        ServiceProcess process = ServiceProcess.launch(APP, home, work.resolve(role + "-" + processes.size() + ".log"), env);
        processes.add(process);
        return process.awaitReady(Duration.ofMinutes(2));
    }

    private ServiceProcess runningWorker(URI api, String id, List<ServiceProcess> workers) throws Exception {
        JsonNode listed = json.readTree(http.send(HttpRequest.newBuilder(api.resolve("/workers")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode worker : listed) {
            if (id.equals(worker.path("job").asText())) {
                long pid = Long.parseLong(worker.get("id").asText().substring(worker.get("id").asText().lastIndexOf('-') + 1));
                return workers.stream().filter(w -> w.process().pid() == pid).findFirst()
                        .orElseThrow(() -> new AssertionError("no worker process with pid " + pid));
            }
        }
        return fail("no worker reports job " + id + ": " + listed);
    }

    private String submit(URI api, Map<String, Object> spec) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(spec))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
        return json.readTree(response.body()).get("id").asText();
    }

    private JsonNode waitFor(URI api, String id, java.util.function.Predicate<JsonNode> reached, Duration limit)
            throws Exception {
        Instant deadline = Instant.now().plus(limit);
        JsonNode job = null;
        while (Instant.now().isBefore(deadline)) {
            job = json.readTree(http.send(HttpRequest.newBuilder(api.resolve("/jobs/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (reached.test(job)) {
                return job;
            }
            Thread.sleep(100);
        }
        return fail("job " + id + " did not get there within " + limit + ": " + job + logs());
    }

    private String logs() {
        StringBuilder tails = new StringBuilder();
        processes.forEach(process -> tails.append(process.tail(25)));
        return tails.toString();
    }

    private static List<Integer> epochs(JsonNode rows) {
        List<Integer> epochs = new ArrayList<>();
        rows.forEach(row -> epochs.add(row.get("epoch").asInt()));
        return epochs;
    }
}
