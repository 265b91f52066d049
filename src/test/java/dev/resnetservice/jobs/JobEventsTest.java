package dev.resnetservice.jobs;

import static dev.resnetservice.testdata.JobApi.cancel;
import static dev.resnetservice.testdata.JobApi.data;
import static dev.resnetservice.testdata.JobApi.get;
import static dev.resnetservice.testdata.JobApi.home;
import static dev.resnetservice.testdata.JobApi.submit;
import static dev.resnetservice.testdata.JobApi.submitLong;
import static dev.resnetservice.testdata.JobApi.waitFor;
import static dev.resnetservice.testdata.JobApi.waitForEnd;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.testdata.JobApi;
import dev.resnetservice.testdata.SseClient;
import dev.resnetservice.testdata.SseClient.Event;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
class JobEventsTest {

    private static final Map<String, Object> SMALL_JOB = Map.of("epochs", 2, "batchSize", 50, "limitTrain", 200,
            "limitTest", 100, "optimizer", Map.of("lr", 0.001));
    private static final Duration LIMIT = Duration.ofMinutes(4);

    @TestHTTPResource("/")
    URI base;

    private URI events(String id) {
        return base.resolve("/jobs/" + id + "/events");
    }

    @Test
    void newClientGetsTheWholeHistoryThenLiveEventsAndTheStreamEndsAfterDone() {
        String id = submit(SMALL_JOB);
        List<Event> events = SseClient.readAll(events(id), null, LIMIT);

        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).id(), "ids run 1, 2, 3... with no gap or duplicate: " + events);
        }
        assertEquals("state", events.get(0).event());
        assertEquals("queued", events.get(0).json().get("state").asText());
        Event running = events.stream().filter(e -> e.event().equals("state")
                && e.json().get("state").asText().equals("running")).findFirst().orElseThrow();
        assertEquals("cpu", running.json().get("device").asText());
        assertEquals(2, count(events, "epoch"));
        assertEquals(2, count(events, "checkpoint"));
        assertTrue(count(events, "progress") >= 2, "a progress event at least at each epoch's end");
        Event epoch = events.stream().filter(e -> e.event().equals("epoch")).findFirst().orElseThrow();
        for (String field : List.of("epoch", "epochs", "trainLoss", "testLoss", "testAccuracy",
                "trainExamplesPerSecond", "testExamplesPerSecond", "epochSeconds")) {
            assertTrue(epoch.json().has(field), field + " in " + epoch.data());
        }
        Event progress = events.stream().filter(e -> e.event().equals("progress")).findFirst().orElseThrow();
        for (String field : List.of("epoch", "batch", "batches", "trainLoss", "examplesPerSecond", "etaSeconds",
                "jobEtaSeconds")) {
            assertTrue(progress.json().has(field), field + " in " + progress.data());
        }
        Event last = events.get(events.size() - 1);
        assertEquals("done", last.event());
        assertEquals("succeeded", last.json().get("state").asText());
        assertEquals(2, last.json().get("history").size());
        assertEquals("succeeded", events.get(events.size() - 2).json().get("state").asText());
    }

    @Test
    void progressEventsEstimateTheWholeJobBeyondTheEpoch() {
        String id = submit(SMALL_JOB);
        List<Event> progress = SseClient.readAll(events(id), null, LIMIT).stream()
                .filter(e -> e.event().equals("progress")).toList();

        assertTrue(progress.stream().anyMatch(e -> e.json().get("epoch").asInt() == 1), "progress in epoch 1");
        for (Event event : progress) {
            double epochEta = event.json().get("etaSeconds").asDouble();
            double jobEta = event.json().get("jobEtaSeconds").asDouble();
            assertTrue(jobEta > 0 && jobEta >= epochEta, event.data());
            if (event.json().get("epoch").asInt() == 1) {
                assertTrue(jobEta > epochEta, "epoch 2 is still to come: " + event.data());
            }
        }
    }

    @Test
    void reconnectingWithLastEventIdStartsRightAfterIt() {
        String id = submit(SMALL_JOB);
        List<Event> all = SseClient.readAll(events(id), null, LIMIT);

        List<Event> afterHeader = SseClient.readAll(events(id), "3", LIMIT);
        List<Event> afterQuery = SseClient.readAll(URI.create(events(id) + "?after=3"), null, LIMIT);

        assertEquals(ids(all.subList(3, all.size())), ids(afterHeader));
        assertEquals(4L, afterHeader.get(0).id());
        assertEquals(ids(afterHeader), ids(afterQuery));
    }

    @Test
    void twentySubscribersEachGetEveryEpochEvent() throws Exception {
        String id = submit(SMALL_JOB);
        ExecutorService clients = Executors.newFixedThreadPool(20);
        try {
            List<CompletableFuture<List<Event>>> streams = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                streams.add(CompletableFuture.supplyAsync(() -> SseClient.readAll(events(id), null, LIMIT), clients));
            }
            List<Long> expected = null;
            for (CompletableFuture<List<Event>> stream : streams) {
                List<Event> events = stream.get();
                assertEquals(2, count(events, "epoch"));
                assertEquals("done", events.get(events.size() - 1).event());
                if (expected == null) {
                    expected = ids(events);
                }
                assertEquals(expected, ids(events), "every subscriber sees the same events");
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void idleStreamGetsAHeartbeatComment() {
        String busy = submitLong();
        String waiting = submit(Map.of("epochs", 1));
        try {
            List<Event> seen = SseClient.read(events(waiting), "1", Duration.ofSeconds(30), Event::comment);
            assertTrue(seen.get(seen.size() - 1).comment(), "a comment line arrived on the idle stream: " + seen);
        } finally {
            cancel(waiting);
            cancel(busy);
        }
    }

    @Test
    void stalledSubscriberDoesNotStallTraining() throws IOException {
        String id = submit(SMALL_JOB);
        // A client that sends its request and then never reads a byte of the answer.
        try (Socket stalled = new Socket(base.getHost(), base.getPort())) {
            stalled.setReceiveBufferSize(1024);
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /jobs/" + id + "/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("succeeded", waitForEnd(id, LIMIT).getString("state"));
        }
    }

    @Test
    void eventsOfAnUnknownJobAre404Problem() {
        given().get("/jobs/20261126-180530-abcdef/events").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void malformedLastEventIdIs400NamingIt() {
        String id = submit(Map.of("epochs", 1, "limitTrain", 50, "limitTest", 10));
        given().header("Last-Event-ID", "abc").get("/jobs/" + id + "/events").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("Last-Event-ID"));
        waitForEnd(id, LIMIT);
    }

    @Test
    void theSeventeenthQueuedJobIs503WithRetryAfter() {
        String busy = submitLong();
        List<String> queued = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                queued.add(submit(Map.of("epochs", 1)));
            }
            given().contentType("application/json").body(Map.of("epochs", 1,
                            "dataset", Map.of("path", data().toString())))
                    .when().post("/jobs")
                    .then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", notNullValue());
        } finally {
            queued.forEach(JobApi::cancel);
            cancel(busy);
        }
        waitForEnd(busy, LIMIT);
    }

    @Test
    void resumingARunningOrSucceededJobIs409() {
        String id = submit(Map.of("epochs", 1, "limitTrain", 50, "limitTest", 10));
        waitForEnd(id, LIMIT);
        given().post("/jobs/" + id + "/resume").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("succeeded"));
    }

    @Test
    void resumeFallsBackPastACorruptNewestCheckpointAndSaysSo() throws IOException {
        String id = submit(Map.of("epochs", 8, "batchSize", 50, "limitTrain", 200, "limitTest", 50,
                "optimizer", Map.of("lr", 0.001)));
        waitFor(id, LIMIT, job -> job.getInt("epoch") >= 2);
        cancel(id);
        JsonPath cancelled = waitForEnd(id, LIMIT);
        assertEquals("cancelled", cancelled.getString("state"));
        int newest = cancelled.getInt("epoch");
        Path params = home()
                .resolve(cancelled.getString("checkpoints[-1].path"));
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(params, bytes);

        given().post("/jobs/" + id + "/resume").then().statusCode(202).body("state", equalTo("queued"));
        JsonPath job = waitForEnd(id, LIMIT);

        assertEquals("succeeded", job.getString("state"));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), job.getList("history.epoch"));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), job.getList("checkpoints.epoch"));
        Event resumed = SseClient.readAll(events(id), null, LIMIT).stream()
                .filter(e -> e.event().equals("state") && e.json().has("resumedFromEpoch"))
                .findFirst().orElseThrow();
        assertEquals(newest - 1, resumed.json().get("resumedFromEpoch").asInt());
        assertTrue(resumed.json().get("skippedCheckpoints").get(0).asText().contains(params.getFileName().toString()),
                resumed.data());
        assertTrue(resumed.json().get("message").asText().contains("moments restarted"), resumed.data());
        assertEquals("succeeded", get(id).getString("state"));
    }

    private static long count(List<Event> events, String name) {
        return events.stream().filter(e -> e.event().equals(name)).count();
    }

    private static List<Long> ids(List<Event> events) {
        return events.stream().map(Event::id).toList();
    }
}
