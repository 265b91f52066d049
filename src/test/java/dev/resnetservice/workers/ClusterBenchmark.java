package dev.resnetservice.workers;

import static dev.resnetservice.testdata.ServiceClient.inState;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.testdata.Cluster;
import dev.resnetservice.testdata.ServiceClient;
import dev.resnetservice.testdata.ServiceProcess;
import dev.resnetservice.testdata.SseClient;
import dev.resnetservice.testdata.SseClient.Event;
import dev.resnetservice.testdata.SyntheticCifar10;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What cluster mode costs, on the packaged app and a real PostgreSQL:
 * <ol>
 * <li>the epoch time of the seed recipe on generated data, embedded (file store) against a
 *     PostgreSQL-store process, alternating rounds on the same machine;</li>
 * <li>the latency of an event from the worker's write (the row's {@code written_at}, the database's
 *     clock) to each of {@code clients} SSE clients on another API replica: p50, p99, max.</li>
 * </ol>
 * <pre>./mvnw -B -ntp -Pbenchmark verify -Dbenchmark.training.skip -Dbenchmark.predict.skip -Dbenchmark.cluster.skip=false</pre>
 */
public final class ClusterBenchmark {

    private final int images = Integer.getInteger("benchmark.cluster.images", 5120);
    private final int epochs = Integer.getInteger("benchmark.cluster.epochs", 2);
    private final int rounds = Integer.getInteger("benchmark.cluster.rounds", 4);
    private final int latencyEpochs = Integer.getInteger("benchmark.cluster.latency-epochs", 4);
    private final int clients = Integer.getInteger("benchmark.cluster.clients", 50);

    public static void main(String[] args) throws Exception {
        new ClusterBenchmark().run();
    }

    private void run() throws Exception {
        try (Cluster cluster = Cluster.direct("cluster-benchmark", Map.of())) {
            ServiceClient client = new ServiceClient(cluster::logs);
            Path data = SyntheticCifar10.write(cluster.work().resolve("data"), images, 500, 7);
            if (rounds > 0) { // -Dbenchmark.cluster.rounds=0: only the latency
                storeOverhead(cluster, client, Map.of("epochs", epochs, "dataset", Map.of("path", data.toString())));
            }
            eventLatency(cluster, client, Map.of("epochs", latencyEpochs, "dataset", Map.of("path", data.toString())));
        }
    }

    private void storeOverhead(Cluster cluster, ServiceClient client, Map<String, Object> spec) throws Exception {
        Map<String, ServiceProcess> stores = Map.of("file", cluster.startEmbedded("file"),
                "postgres", cluster.start("all"));
        List<Double> ratios = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%nseed recipe, %d generated images, %d epochs a job, %d rounds%n", images, epochs,
                rounds);
        for (int round = 0; round < rounds; round++) {
            List<String> order = round % 2 == 0 ? List.of("file", "postgres") : List.of("postgres", "file");
            Map<String, Double> mean = new HashMap<>();
            for (String store : order) {
                URI base = stores.get(store).base();
                String id = client.submit(base, spec);
                JsonNode done = client.waitFor(base, id, inState("succeeded"), Duration.ofMinutes(30));
                List<Double> epochSeconds = new ArrayList<>();
                done.get("history").forEach(row -> epochSeconds.add(row.get("epochSeconds").asDouble()));
                List<Double> timed = epochSeconds.subList(round == 0 ? 1 : 0, epochSeconds.size()); // warm-up
                mean.put(store, timed.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
                System.out.printf(Locale.ROOT, "round %d %-8s epochs %s s%n", round + 1, store, epochSeconds);
            }
            ratios.add(mean.get("postgres") / mean.get("file"));
        }
        System.out.printf(Locale.ROOT, "postgres/file epoch time per round %s, median %.3f%n",
                ratios.stream().map(r -> String.format(Locale.ROOT, "%.3f", r)).toList(), median(ratios));
        for (ServiceProcess process : stores.values()) {
            process.close();
        }
    }

    private void eventLatency(Cluster cluster, ServiceClient client, Map<String, Object> spec) throws Exception {
        List<ServiceProcess> apis = cluster.start("api", "api");
        cluster.start("worker");
        String id = client.submit(apis.get(0).base(), spec);
        URI url = apis.get(1).base().resolve("/jobs/" + id + "/events");
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Event>>> streams = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            streams.add(pool.submit(() -> SseClient.readAll(url, null, Duration.ofMinutes(30))));
        }
        List<List<Event>> received = new ArrayList<>();
        for (Future<List<Event>> stream : streams) {
            received.add(stream.get());
        }
        pool.shutdown();
        Map<Long, Instant> written = writtenAt(cluster, id);
        List<Double> millis = new ArrayList<>();
        for (List<Event> events : received) {
            Instant connected = events.get(0).received(); // history replays in a burst on connect: not live
            for (Event event : events) {
                Instant at = written.get(event.id());
                if (at.isAfter(connected)) {
                    millis.add(Duration.between(at, event.received()).toNanos() / 1e6);
                }
            }
        }
        millis.sort(null);
        System.out.printf(Locale.ROOT, "%nevent latency, worker write -> %d SSE clients on another API replica: %d samples,"
                + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", clients, millis.size(), percentile(millis, 0.5),
                percentile(millis, 0.99), millis.get(millis.size() - 1));
    }

    private static Map<Long, Instant> writtenAt(Cluster cluster, String id) throws Exception {
        Map<Long, Instant> written = new HashMap<>();
        try (Connection connection = cluster.postgres().dataSource().getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT id, written_at FROM job_events WHERE job_id = ?")) {
            query.setString(1, id);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    written.put(rows.getLong(1), rows.getTimestamp(2).toInstant());
                }
            }
        }
        return written;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return percentile(sorted, 0.5);
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }
}
