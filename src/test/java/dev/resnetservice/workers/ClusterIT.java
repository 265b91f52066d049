package dev.resnetservice.workers;

import static dev.resnetservice.testdata.ServiceClient.epochs;
import static dev.resnetservice.testdata.ServiceClient.inState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.inference.oip.grpc.GRPCInferenceServiceGrpc;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerLiveRequest;
import dev.resnetservice.testdata.Cluster;
import dev.resnetservice.testdata.ServiceClient;
import dev.resnetservice.testdata.ServiceProcess;
import dev.resnetservice.testdata.SseClient;
import dev.resnetservice.testdata.SseClient.Event;
import dev.resnetservice.testdata.SyntheticCifar10;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Cluster mode as an operator runs it: two API replicas and two workers, packaged processes on one
 * shared home and one PostgreSQL. Jobs go in on either replica; what a user does on one (cancel,
 * stream, the queue bound) holds for the whole cluster; an API restart, a database restart and a
 * worker's shutdown lose no event and no epoch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final int MAX_QUEUED = 6;

    private Cluster cluster;
    private ServiceClient client;
    private final List<ServiceProcess> apis = new ArrayList<>();
    private final List<ServiceProcess> workers = new ArrayList<>();
    private Path data;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = Cluster.create("cluster-it", Map.of("RESNET_WORKER_LEASE", "10s", "RESNET_WORKER_HEARTBEAT", "1s",
                "RESNET_WORKER_POLL", "1s", "RESNET_JOBS_MAX_QUEUED", Integer.toString(MAX_QUEUED)));
        client = new ServiceClient(cluster::logs);
        data = SyntheticCifar10.write(cluster.work().resolve("data"), 800, 50, 17);
        List<ServiceProcess> started = cluster.start("api", "api", "worker", "worker");
        apis.addAll(started.subList(0, 2));
        workers.addAll(started.subList(2, 4));
    }

    @AfterAll
    void stopCluster() throws Exception {
        cluster.close();
    }

    @Test
    @Order(0)
    void aWorkerRefusesApiAndInferenceCallsNamingItsRole() throws Exception {
        ServiceProcess worker = workers.get(0);
        HttpResponse<String> jobs = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(worker.base().resolve("/jobs")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, jobs.statusCode());
        assertTrue(jobs.body().contains("resnet.role=worker"), jobs.body());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> serverLive(worker));
        assertEquals(Status.Code.UNIMPLEMENTED, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("resnet.role=worker"), refused::toString);
        assertTrue(serverLive(apis.get(0)), "an api replica answers");
    }

    private static boolean serverLive(ServiceProcess process) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", process.grpcPort()).usePlaintext().build();
        try {
            return GRPCInferenceServiceGrpc.newBlockingStub(channel).serverLive(ServerLiveRequest.getDefaultInstance())
                    .getLive();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    @Order(1)
    void sixQueuedJobsRunOnceEachAndBothWorkersTrain() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(client.submit(api(i), spec(2, 200)));
        }
        Set<String> training = new HashSet<>();
        while (!ids.stream().allMatch(id -> client.job(api(0), id).get("state").asText().equals("succeeded"))) {
            client.get(api(1).resolve("/workers")).forEach(worker -> {
                if (worker.get("state").asText().equals("training")) {
                    training.add(worker.get("id").asText());
                }
            });
            ids.forEach(id -> assertTrue(!Set.of("failed", "cancelled", "interrupted").contains(
                    client.job(api(0), id).get("state").asText()), () -> client.job(api(0), id) + cluster.logs()));
            Thread.sleep(200);
        }
        assertEquals(2, training.size(), "both workers trained: " + training);
        for (String id : ids) {
            List<Event> events = stream(api(1), id, null);
            assertEquals(List.of(1, 2), epochsIn(events), id);
            assertEquals(1, events.stream().filter(e -> e.event().equals("state")
                    && e.json().get("state").asText().equals("running")).count(), () -> "run once: " + events);
        }
    }

    @Test
    @Order(2)
    void aCancelOnOneReplicaStopsTheJobOnItsWorker() throws Exception {
        String id = client.submit(api(0), spec(50, 200));
        client.waitFor(api(0), id, job -> job.get("epoch").asInt() >= 1, Duration.ofMinutes(2));
        assertEquals(202, client.cancel(api(1), id).statusCode());
        JsonNode cancelled = client.waitFor(api(0), id, inState("cancelled"), Duration.ofSeconds(30));
        assertTrue(cancelled.get("checkpoints").size() >= 1, "its checkpoints are kept: " + cancelled);
        awaitIdleWorkers();
    }

    @Test
    @Order(3)
    void theQueueBoundCountsTheWholeCluster() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ids.add(client.submit(api(i), spec(50, 200)));
        }
        for (String id : ids) {
            client.waitFor(api(0), id, inState("running"), Duration.ofMinutes(1));
        }
        for (int i = 0; i < MAX_QUEUED; i++) {
            ids.add(client.submit(api(i), spec(1, 200)));
        }
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> refused = client.post(api(i), spec(1, 200));
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("resnet.jobs.max-queued"), refused.body());
        }
        for (String id : ids) {
            int status = client.cancel(api(1), id).statusCode();
            assertTrue(status == 200 || status == 202, "cancel answered " + status); // 200 queued, 202 running
        }
        for (String id : ids) {
            client.waitFor(api(0), id, inState("cancelled"), Duration.ofSeconds(30));
        }
        awaitIdleWorkers();
    }

    @Test
    @Order(4)
    void aRestartedApiStreamsOnFromTheLastEventId() throws Exception {
        String id = client.submit(api(0), spec(3, 200));
        List<Event> before = SseClient.read(api(0).resolve("/jobs/" + id + "/events"), null, Duration.ofMinutes(2),
                event -> event.event().equals("epoch")).stream().filter(e -> !e.comment()).toList();
        apis.remove(0).close(); // SIGTERM: a rolling update
        apis.add(0, cluster.start("api"));
        List<Event> after = stream(api(0), id, before.get(before.size() - 1).id().toString());

        List<Event> all = new ArrayList<>(before);
        all.addAll(after);
        assertEquals(LongStream.rangeClosed(1, all.size()).boxed().toList(), all.stream().map(Event::id).toList(),
                "no id repeated, skipped or reordered across the restart");
        assertEquals(List.of(1, 2, 3), epochsIn(all));
        assertEquals("done", all.get(all.size() - 1).event());
    }

    @Test
    @Order(5)
    void aDatabaseRestartMidEpochLosesNoTraining() throws Exception {
        String id = client.submit(api(0), spec(3, 800));
        SseClient.read(api(1).resolve("/jobs/" + id + "/events"), null, Duration.ofMinutes(2),
                event -> event.event().equals("progress") && event.json().get("epoch").asInt() == 2);
        cluster.database().cut(Duration.ofSeconds(4));

        JsonNode done = client.waitFor(api(0), id, inState("succeeded"), Duration.ofMinutes(3));
        assertEquals(List.of(1, 2, 3), epochs(done.get("history")));
        List<Event> events = stream(api(1), id, null);
        assertEquals(LongStream.rangeClosed(1, events.size()).boxed().toList(), events.stream().map(Event::id).toList());
        assertEquals(List.of(1, 2, 3), epochsIn(events));
        assertEquals(1, events.stream().filter(e -> e.event().equals("state")
                && e.json().get("state").asText().equals("running")).count(), () -> "no failover: " + events);
        String logs = Files.readString(cluster.work().resolve("worker-2.log")) + Files.readString(
                cluster.work().resolve("worker-3.log"));
        assertTrue(logs.contains("PostgreSQL cannot be reached"), "the workers waited for the database");
    }

    @Test
    @Order(6)
    void aWorkerShutDownGivesItsJobBackForTheOtherToFinish() throws Exception {
        String id = client.submit(api(0), spec(4, 200));
        client.waitFor(api(0), id, job -> job.get("checkpoints").size() >= 1, Duration.ofMinutes(2));
        ServiceProcess running = FailoverIT.runningWorker(client, api(0), id, workers);
        running.close(); // SIGTERM

        JsonNode done = client.waitFor(api(1), id, inState("succeeded"), Duration.ofMinutes(3));
        assertEquals(List.of(1, 2, 3, 4), epochs(done.get("history")));
        List<Event> events = stream(api(1), id, null);
        assertEquals(List.of(1, 2, 3, 4), epochsIn(events));
        assertTrue(events.stream().anyMatch(e -> e.event().equals("state")
                && e.json().path("message").asText().contains("shut down; back in the queue")), events::toString);
        assertTrue(events.stream().anyMatch(e -> e.json().path("resumedFromEpoch").asInt() >= 1), events::toString);
        assertTrue(events.stream().noneMatch(e -> e.json().path("message").asText().contains("attempt")),
                "a shutdown does not use up an attempt: " + events);
    }

    private URI api(int i) {
        return apis.get(i % apis.size()).base();
    }

    private Map<String, Object> spec(int epochs, int limitTrain) {
        Map<String, Object> spec = new HashMap<>(Map.of("epochs", epochs, "batchSize", 50, "limitTrain", limitTrain,
                "dataset", Map.of("path", data.toString()), "optimizer", Map.of("lr", 0.001)));
        spec.put("checkpoints", Map.of("keep", "last:2"));
        return spec;
    }

    private void awaitIdleWorkers() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            JsonNode listed = client.get(api(0).resolve("/workers"));
            int idle = 0;
            for (JsonNode worker : listed) {
                idle += worker.get("state").asText().equals("idle") ? 1 : 0;
            }
            if (idle == workers.size()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the workers did not go idle: " + client.get(api(0).resolve("/workers")) + cluster.logs());
    }

    private static List<Event> stream(URI api, String id, String lastEventId) {
        return SseClient.readAll(api.resolve("/jobs/" + id + "/events"), lastEventId, Duration.ofMinutes(3));
    }

    private static List<Integer> epochsIn(List<Event> events) {
        return events.stream().filter(e -> e.event().equals("epoch")).map(e -> e.json().get("epoch").asInt()).toList();
    }
}
