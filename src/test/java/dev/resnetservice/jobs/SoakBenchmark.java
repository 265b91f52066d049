package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.testdata.JobApi;
import dev.resnetservice.testdata.ServiceProcess;
import dev.resnetservice.testdata.SyntheticCifar10;
import dev.resnetservice.testdata.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Soak: the same training job on the packaged service three times, quiet, with {@code clients} SSE
 * clients connecting and dropping at random for its whole run, and with those clients plus /predict
 * load (good uploads and every hostile kind the service must refuse). Prints the epoch times against
 * the quiet run, what the clients saw (events, reconnects, gaps or repeats: must be 0), the answers
 * to /predict (hung requests: must be 0), and the service's heap and open files before and after.
 *
 * <pre>./mvnw -B -ntp -Pbenchmark verify -Dbenchmark.training.skip -Dbenchmark.predict.skip -Dbenchmark.soak.skip=false</pre>
 *
 * The clients run in this JVM on the same cores as the service: their own CPU is part of what the
 * loaded rows measure.
 */
public final class SoakBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final com.sun.management.OperatingSystemMXBean OWN_CPU =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final Pattern METRIC = Pattern.compile("(?m)^(\\w+)(\\{[^}]*\\})? (\\S+)$");

    private final Path app = Path.of(System.getProperty("benchmark.soak.app", "target/quarkus-app/quarkus-run.jar"));
    private final int images = Integer.getInteger("benchmark.soak.images", 2560);
    private final int epochs = Integer.getInteger("benchmark.soak.epochs", 8);
    private final int clients = Integer.getInteger("benchmark.soak.clients", 200);
    private final int uploaders = Integer.getInteger("benchmark.soak.uploaders", 2);
    // HTTP/1.1: one connection per client, as a browser's EventSource has (HTTP/2 would multiplex them all on one)
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private ServiceProcess service;

    /** What one phase saw. */
    private static final class Phase {
        final String name;
        final LongAdder events = new LongAdder();
        final LongAdder connections = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final LongAdder gaps = new LongAdder();
        final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
        final LongAdder hung = new LongAdder();
        double epochSeconds;
        String state;
        double heapBeforeMb;
        double heapAfterMb;
        double filesBefore;
        double filesAfter;
        double wallSeconds;
        double serviceCpuSeconds;
        double clientCpuSeconds;
        volatile boolean over;

        Phase(String name) {
            this.name = name;
        }
    }

    public static void main(String[] args) throws Exception {
        // Idle pooled connections close after 3 s, so the service's open files after a phase are its own.
        System.setProperty("jdk.httpclient.keepalive.timeout", "3");
        int status = 0;
        SoakBenchmark benchmark = new SoakBenchmark();
        try {
            benchmark.run();
        } catch (Exception | AssertionError e) {
            System.out.println("SOAK BENCHMARK FAILED: " + e);
            e.printStackTrace(System.out);
            if (benchmark.service != null) {
                System.out.println(benchmark.service.tail(60));
            }
            status = 1;
        } finally {
            if (benchmark.service != null) {
                benchmark.service.close();
            }
        }
        System.exit(status);
    }

    private void run() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "soak-benchmark")), "run-")
                .toAbsolutePath();
        Path data = SyntheticCifar10.write(work.resolve("data"), images, 512, 7);
        service = ServiceProcess.launch(app.toAbsolutePath(), work.resolve("home"), work.resolve("service.log"),
                Map.of("RESNET_JOBS_MAX_STREAMS", Integer.toString(2 * clients),
                        "RESNET_JOBS_MAX_STREAMS_PER_JOB", Integer.toString(2 * clients)))
                .awaitReady(Duration.ofMinutes(2));
        System.out.printf(Locale.ROOT, "soak: %d train images, %d epochs of batch 256, %d SSE clients, %d upload"
                + " threads, %d CPUs; work %s%n", images, epochs, clients, uploaders,
                Runtime.getRuntime().availableProcessors(), work);
        Map<String, Object> warmUp = Map.of("epochs", 1, "limitTrain", 512, "limitTest", 256,
                "dataset", Map.of("path", data.toString()));
        finish(submit(warmUp)); // a model for /predict, and the engine warm

        Map<String, Object> spec = Map.of("epochs", epochs, "dataset", Map.of("path", data.toString()));
        List<Phase> phases = List.of(phase("quiet", spec, false, false, data), phase("SSE clients", spec, true, false, data),
                phase("SSE + /predict", spec, true, true, data), phase("quiet again", spec, false, false, data));
        report(phases);
    }

    private Phase phase(String name, Map<String, Object> spec, boolean sse, boolean uploads, Path data) throws Exception {
        Phase phase = new Phase(name);
        Map<String, Double> before = metrics();
        phase.heapBeforeMb = before.getOrDefault("heap", 0.0) / 1e6;
        phase.filesBefore = before.getOrDefault("files", 0.0);
        long wall = System.nanoTime();
        double serviceCpu = serviceCpuSeconds();
        long clientCpu = OWN_CPU.getProcessCpuTime();
        String id = submit(spec);
        List<Thread> load = new ArrayList<>();
        for (int i = 0; sse && i < clients; i++) {
            long seed = i;
            load.add(daemon(() -> follow(id, phase, new Random(seed))));
        }
        List<Upload> cases = uploads(data);
        for (int i = 0; uploads && i < uploaders; i++) {
            int first = i;
            load.add(daemon(() -> upload(cases, first, phase)));
        }
        JsonNode job = finish(id);
        phase.over = true;
        for (Thread thread : load) {
            thread.join(60_000);
        }
        phase.wallSeconds = (System.nanoTime() - wall) / 1e9;
        phase.serviceCpuSeconds = serviceCpuSeconds() - serviceCpu;
        phase.clientCpuSeconds = (OWN_CPU.getProcessCpuTime() - clientCpu) / 1e9;
        phase.state = job.get("state").asText();
        List<Double> times = new ArrayList<>();
        job.get("history").forEach(row -> times.add(row.get("epochSeconds").asDouble()));
        // Epoch 1 carries the data loading and the allocator's warm-up: compare the steady epochs.
        phase.epochSeconds = times.stream().skip(1).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        Thread.sleep(5000);
        Map<String, Double> after = metrics();
        phase.heapAfterMb = after.getOrDefault("heap", 0.0) / 1e6;
        phase.filesAfter = after.getOrDefault("files", 0.0);
        System.out.printf(Locale.ROOT, "%s: %s, epoch times %s%n", name, phase.state, times);
        return phase;
    }

    /** CPU seconds the service process has used, from /proc (Linux; USER_HZ 100). */
    private double serviceCpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(service.process().pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime
    }

    private static Thread daemon(Runnable work) {
        Thread thread = new Thread(work);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** One SSE client: connects, reads for 0.2-5 s, drops the connection, comes back with Last-Event-ID. */
    private void follow(String id, Phase phase, Random random) {
        long last = 0;
        while (!phase.over) {
            HttpRequest request = HttpRequest.newBuilder(service.base().resolve("/jobs/" + id + "/events"))
                    .header("Accept", "text/event-stream").header("Last-Event-ID", Long.toString(last)).build();
            try {
                HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
                if (response.statusCode() != 200) {
                    phase.refused.increment();
                    response.body().close();
                    Thread.sleep(1000);
                    continue;
                }
                phase.connections.increment();
                long until = System.nanoTime() + (200 + random.nextInt(4800)) * 1_000_000L;
                try (Stream<String> lines = response.body()) {
                    Iterator<String> it = lines.iterator();
                    while (System.nanoTime() < until && it.hasNext()) {
                        String line = it.next();
                        if (line.startsWith("id:")) {
                            long next = Long.parseLong(line.substring(3).trim());
                            if (next != last + 1) {
                                phase.gaps.increment();
                            }
                            last = next;
                            phase.events.increment();
                        }
                    }
                }
                Thread.sleep(random.nextInt(500));
            } catch (IOException | UncheckedIOException e) {
                phase.dropped.increment();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One request of some kind, and the status the service must answer it with. */
    private record Upload(String kind, String contentType, byte[] body, int expected) {
    }

    private void upload(List<Upload> cases, int first, Phase phase) {
        for (int i = first; !phase.over; i++) {
            Upload upload = cases.get(i % cases.size());
            HttpRequest request = HttpRequest.newBuilder(service.base().resolve("/predict"))
                    .header("Content-Type", upload.contentType()).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload.body())).build();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                String key = upload.kind() + " " + status + (status == upload.expected() ? "" : " (expected "
                        + upload.expected() + ")");
                phase.answers.computeIfAbsent(key, k -> new LongAdder()).increment();
            } catch (HttpTimeoutException e) {
                phase.hung.increment();
            } catch (IOException e) {
                phase.answers.computeIfAbsent(upload.kind() + " " + e.getClass().getSimpleName(), k -> new LongAdder())
                        .increment();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static List<Upload> uploads(Path data) {
        byte[] good = TestImages.png(TestImages.record(Cifar10Reader.read(data).test(), 0));
        String boundary = "soak-boundary";
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            many.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"image\"; filename=\"")
                    .append(i).append(".bmp\"\r\nContent-Type: text/plain\r\n\r\nx\r\n");
        }
        many.append("--").append(boundary).append("--\r\n");
        return List.of(
                new Upload("good", "image/png", good, 200),
                new Upload("empty", "image/png", new byte[0], 400),
                new Upload("text", "image/png", "not a picture".getBytes(StandardCharsets.UTF_8), 415),
                new Upload("truncated", "image/png", Arrays.copyOf(good, good.length / 2), 415),
                new Upload("wide-line", "image/png", TestImages.blackPng16(16_777_216, 1), 413),
                new Upload("65-files", "multipart/form-data; boundary=" + boundary,
                        many.toString().getBytes(StandardCharsets.US_ASCII), 413));
    }

    private String submit(Map<String, Object> spec) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(service.base().resolve("/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(spec))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("POST /jobs answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("id").asText();
    }

    private JsonNode finish(String id) throws Exception {
        URI uri = service.base().resolve("/jobs/" + id);
        while (true) {
            JsonNode job = JSON.readTree(http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (JobApi.ENDED.contains(job.get("state").asText())) {
                return job;
            }
            Thread.sleep(500);
        }
    }

    /** The service's live heap (bytes) and open files, from /q/metrics. */
    private Map<String, Double> metrics() throws Exception {
        String text = http.send(HttpRequest.newBuilder(service.base().resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> found = new TreeMap<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            String labels = matcher.group(2) == null ? "" : matcher.group(2);
            double value = Double.parseDouble(matcher.group(3));
            if (matcher.group(1).equals("jvm_gc_live_data_size_bytes")) {
                found.put("heap", value);
            } else if (matcher.group(1).equals("process_files_open_files")) {
                found.put("files", value);
            }
        }
        return found;
    }

    private void report(List<Phase> phases) {
        double quiet = phases.get(0).epochSeconds;
        System.out.println();
        System.out.printf(Locale.ROOT, "%-16s %-9s %9s %7s %8s %8s %6s %8s %6s %13s %11s%n", "phase", "job", "epoch s",
                "ratio", "events", "connects", "503s", "dropped", "gaps", "live heap MB", "open files");
        for (Phase phase : phases) {
            System.out.printf(Locale.ROOT, "%-16s %-9s %9.2f %7.3f %8d %8d %6d %8d %6d %6.0f->%-6.0f %5.0f->%-5.0f%n",
                    phase.name, phase.state, phase.epochSeconds, phase.epochSeconds / quiet, phase.events.sum(),
                    phase.connections.sum(), phase.refused.sum(), phase.dropped.sum(), phase.gaps.sum(), phase.heapBeforeMb,
                    phase.heapAfterMb, phase.filesBefore, phase.filesAfter);
        }
        System.out.printf(Locale.ROOT, "%n%-16s %8s %14s %16s%n", "phase", "wall s", "service cpu s", "this JVM's cpu s");
        for (Phase phase : phases) {
            System.out.printf(Locale.ROOT, "%-16s %8.1f %14.1f %16.1f%n", phase.name, phase.wallSeconds,
                    phase.serviceCpuSeconds, phase.clientCpuSeconds);
        }
        for (Phase phase : phases) {
            if (!phase.answers.isEmpty() || phase.hung.sum() > 0) {
                System.out.printf(Locale.ROOT, "%s /predict answers: %s; hung (no answer in 30 s): %d%n", phase.name,
                        new TreeMap<>(phase.answers), phase.hung.sum());
            }
        }
        System.out.println("epoch s: mean of epochs 2.." + epochs + "; ratio: against the first quiet run; 503s: stream"
                + " refused (limits); dropped: a connection that failed (not one the client closed); gaps: an event id"
                + " that was not the one after the client's last (0 = nothing lost or repeated); live heap: the old"
                + " generation after the last major GC (jvm_gc_live_data_size_bytes), before and after the phase");
    }
}
