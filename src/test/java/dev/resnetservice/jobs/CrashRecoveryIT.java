package dev.resnetservice.jobs;

import static dev.resnetservice.testdata.ServiceClient.epochs;
import static dev.resnetservice.testdata.ServiceClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.testdata.ServiceClient;
import dev.resnetservice.testdata.ServiceProcess;
import dev.resnetservice.testdata.SyntheticCifar10;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the packaged service as a separate process, the way a user runs it, and kills it with
 * SIGKILL in the middle of a job: no shutdown hook runs, so only what was fsync'd survives.
 */
class CrashRecoveryIT {

    private static final Path APP = Path.of(System.getProperty("resnet.it.app",
            "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
    private static final int EPOCHS = 4;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final ServiceClient client = new ServiceClient(this::logTail);
    private final List<Path> logs = new ArrayList<>();
    private Path work;
    private Process service;
    private URI base;

    @BeforeEach
    void createWorkFolder() throws IOException {
        assertTrue(Files.isRegularFile(APP), APP + " is missing: run the package phase first");
        work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "crash-recovery-it")), "run-")
                .toAbsolutePath();
    }

    @AfterEach
    void stopService() throws InterruptedException {
        if (service != null) {
            service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void killedServiceLosesNoCheckpointAndResumedJobSucceeds() throws Exception {
        Path data = SyntheticCifar10.write(work.resolve("data"), 300, 50, 11);
        Path home = work.resolve("home");

        start(home);
        String id = client.submit(base, Map.of("epochs", EPOCHS, "batchSize", 50, "dataset",
                Map.of("path", data.toString()), "optimizer", Map.of("lr", 0.001)));
        client.waitFor(base, id, job -> job.get("checkpoints").size() >= 1, Duration.ofMinutes(3));
        kill();

        start(home);
        JsonNode interrupted = client.job(base, id);
        assertEquals("interrupted", interrupted.get("state").asText(), () -> interrupted.toPrettyString() + logTail());
        assertTrue(interrupted.get("checkpoints").size() >= 1, () -> interrupted.toPrettyString() + logTail());
        assertCheckpointsIntact(home, interrupted);
        JsonNode stored = json.readTree(home.resolve("jobs").resolve(id).resolve("job.json").toFile());
        assertEquals("interrupted", stored.get("state").asText(), stored::toPrettyString);
        List<JsonNode> logged = eventLog(home, id);
        assertTrue(logged.stream().anyMatch(event -> isState(event, "interrupted")),
                () -> "no interrupted state event in " + logged + logTail());

        HttpResponse<String> resumed = client.postJson(base.resolve("/jobs/" + id + "/resume"), Map.of());
        assertEquals(202, resumed.statusCode(), () -> resumed.body() + logTail());
        JsonNode done = client.waitFor(base, id, inState("succeeded"), Duration.ofMinutes(5));

        assertEquals(List.of(1, 2, 3, 4), epochs(done.get("history")), () -> done.toPrettyString() + logTail());
        assertEquals(List.of(1, 2, 3, 4), epochs(done.get("checkpoints")), () -> done.toPrettyString() + logTail());
        assertCheckpointsIntact(home, done);
        List<JsonNode> replayed = replayEvents(id);
        assertEquals(IntStream.rangeClosed(1, replayed.size()).boxed().toList(),
                replayed.stream().map(event -> event.get("id").asInt()).toList(), "event ids count from 1 without gaps");
        assertTrue(replayed.stream().anyMatch(CrashRecoveryIT::isResumeAnnouncement),
                () -> "no state event saying where the job resumed and that the optimiser restarted: " + replayed);
        assertEquals("done", replayed.get(replayed.size() - 1).get("event").asText(), replayed::toString);
    }

    @Test
    void sigtermDuringAJobSavesItInterruptedBeforeTheProcessExits() throws Exception {
        Path data = SyntheticCifar10.write(work.resolve("data"), 300, 50, 11);
        Path home = work.resolve("home");
        start(home);
        String id = client.submit(base, Map.of("epochs", 100, "batchSize", 50, "dataset", Map.of("path", data.toString())));
        client.waitFor(base, id, job -> job.get("checkpoints").size() >= 1, Duration.ofMinutes(3));

        service.destroy(); // SIGTERM, as docker stop and Kubernetes send
        assertTrue(service.waitFor(60, TimeUnit.SECONDS), "the service did not stop" + logTail());
        service = null;

        JsonNode stored = json.readTree(home.resolve("jobs").resolve(id).resolve("job.json").toFile());
        assertEquals("interrupted", stored.get("state").asText(), () -> stored.toPrettyString() + logTail());
        assertTrue(eventLog(home, id).stream().anyMatch(event -> isState(event, "interrupted")), this::logTail);
        assertCheckpointsIntact(home, stored);
    }

    @Test
    void aSecondServiceOnTheSameHomeRefusesToStartNamingTheFirst() throws Exception {
        Path home = work.resolve("home");
        start(home);
        long first = service.pid();
        URI firstBase = base;
        String log = refusedStart(home, Map.of());
        assertTrue(log.contains("is in use by another resnet-service (process " + first + ")"), log);
        assertEquals("UP", client.get(firstBase.resolve("/q/health/live")).get("status").asText(),
                "the first one runs on");
    }

    @Test
    void anEmptyApiTokenRefusesToStartInsteadOfTurningAuthenticationOff() throws Exception {
        String log = refusedStart(work.resolve("home"), Map.of("RESNET_API_TOKEN", ""));
        assertTrue(log.contains("RESNET_API_TOKEN (resnet.api-token) is set but empty"), log);
    }

    private void start(Path home) throws IOException, InterruptedException {
        ServiceProcess started = launch(home, Map.of());
        service = started.process();
        started.awaitReady(Duration.ofSeconds(90));
    }

    /** Starts the packaged app on a free port with {@code environment} added; its output goes to a new log. */
    private ServiceProcess launch(Path home, Map<String, String> environment) throws IOException {
        Path log = work.resolve("service-" + (logs.size() + 1) + ".log");
        logs.add(log);
        ServiceProcess started = ServiceProcess.launch(APP, home, log, environment);
        base = started.base();
        return started;
    }

    /** Launches a service that must refuse to start; returns its log. */
    private String refusedStart(Path home, Map<String, String> environment) throws Exception {
        Process refused = launch(home, environment).process();
        try {
            assertTrue(refused.waitFor(90, TimeUnit.SECONDS), "the service should have stopped at start-up" + logTail());
            assertTrue(refused.exitValue() != 0, "exit code " + refused.exitValue());
            return Files.readString(logs.get(logs.size() - 1));
        } finally {
            refused.destroyForcibly();
        }
    }

    /** SIGKILL on Linux: the JVM gets no chance to mark the job or flush anything. */
    private void kill() throws InterruptedException {
        service.destroyForcibly();
        assertTrue(service.waitFor(30, TimeUnit.SECONDS), "the killed service did not exit");
        service = null;
    }

    /** Paths are relative to the home folder; a listed checkpoint must be on disk, byte for byte. */
    private void assertCheckpointsIntact(Path home, JsonNode job) throws IOException {
        for (JsonNode checkpoint : job.get("checkpoints")) {
            Path params = home.resolve(checkpoint.get("path").asText());
            assertTrue(Files.isRegularFile(params), () -> params + " is listed but missing" + logTail());
            assertEquals(checkpoint.get("sha256").asText(), sha256(params), params::toString);
        }
    }

    /** Every line of events.jsonl must parse: a torn last line is cut off when the service starts. */
    private List<JsonNode> eventLog(Path home, String id) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(home.resolve("jobs").resolve(id).resolve("events.jsonl"))) {
            events.add(json.readTree(line));
        }
        return events;
    }

    /**
     * The whole history as a client reconnecting with Last-Event-ID: 0 gets it; the stream of a
     * finished job ends after its done event, and the timeout catches one that does not.
     */
    private List<JsonNode> replayEvents(String id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/jobs/" + id + "/events"))
                .header("Accept", "text/event-stream").header("Last-Event-ID", "0").build();
        HttpResponse<String> response;
        try {
            response = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail("the event stream of finished job " + id + " stayed open" + logTail());
        }
        assertEquals(200, response.statusCode(), response::body);
        List<JsonNode> events = new ArrayList<>();
        for (String block : response.body().split("\n\n")) {
            Map<String, String> fields = new HashMap<>();
            block.lines().filter(line -> !line.startsWith(":") && line.contains(":")).forEach(line -> {
                String value = line.substring(line.indexOf(':') + 1);
                fields.put(line.substring(0, line.indexOf(':')), value.startsWith(" ") ? value.substring(1) : value);
            });
            if (fields.containsKey("event")) {
                events.add(json.createObjectNode().put("id", Long.parseLong(fields.get("id")))
                        .put("event", fields.get("event")).set("data", json.readTree(fields.get("data"))));
            }
        }
        return events;
    }

    private static boolean isState(JsonNode event, String state) {
        return "state".equals(event.get("event").asText()) && state.equals(event.get("data").get("state").asText());
    }

    private static boolean isResumeAnnouncement(JsonNode event) {
        JsonNode data = event.get("data");
        return isState(event, "running") && data.path("resumedFromEpoch").asInt() >= 1
                && data.path("message").asText().contains("optimiser's moments restarted");
    }

    /** The last lines of every service log so far, for failure messages. */
    private String logTail() {
        StringBuilder tail = new StringBuilder();
        for (Path log : logs) {
            try {
                List<String> lines = Files.readAllLines(log);
                tail.append("\n--- last lines of ").append(log).append(" ---\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            } catch (IOException e) {
                tail.append("\n(cannot read ").append(log).append(": ").append(e.getMessage()).append(')');
            }
        }
        return tail.toString();
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
