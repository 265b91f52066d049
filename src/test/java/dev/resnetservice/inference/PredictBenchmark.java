package dev.resnetservice.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.testdata.ServiceProcess;
import dev.resnetservice.testdata.SyntheticCifar10;
import dev.resnetservice.testdata.TestImages;
import dev.resnetservice.training.MallocTuning;
import dev.resnetservice.training.NnpackSwitch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /predict} speed against the packaged service, started as a separate process the way
 * a user runs it: p50/p99 latency and images/second at concurrency 1 and N (16), with dynamic
 * batching on (max-batch 64) and off (max-batch 1, a second start on the same home), then the
 * in-process ceiling: the served model's batch-64 forward without HTTP.
 *
 * <p>Each request is one 32x32 PNG as a raw {@code image/png} body (the cheaper of the two upload
 * paths: no multipart parsing, no temporary file), one HTTP/1.1 client and connection per thread.
 * Client and service share the machine's cores, so the client's own cost is in the figures.
 *
 * <p>Run: {@code ./mvnw -B -ntp -Pbenchmark verify -Dbenchmark.training.skip} (options:
 * -Dbenchmark.predict.warmup=200 -Dbenchmark.predict.requests-c1=2000
 * -Dbenchmark.predict.requests-cn=4000 -Dbenchmark.predict.concurrency=16
 * -Dbenchmark.predict.iterations=50 -Dbenchmark.predict.max-delay-ms=default, i.e. the service's 5).
 * Service logs: {@code target/predict-benchmark/run-* /service-*.log}.
 */
public final class PredictBenchmark {

    private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled", "interrupted");
    private static final int BATCH = 64;
    /** /proc/stat's unit, 100 on every common Linux build. */
    private static final long USER_HZ = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The service process running now, for the shutdown hook. */
    private static final AtomicReference<Process> RUNNING = new AtomicReference<>();

    /**
     * CPU figures are milliseconds of CPU time (all threads) per image; {@code otherCores} is what the
     * rest of the machine used meanwhile, in cores; NaN where not measured.
     */
    private record Row(String name, double p50Ms, double p99Ms, double imagesPerSecond, double meanBatch,
            double serverMs, double serviceCpuMs, double clientCpuMs, double otherCores) {
    }

    private final Path app;
    private final Path work;
    private final int warmup;
    private final int requestsC1;
    private final int requestsCn;
    private final int concurrency;
    private final int iterations;
    private final String maxDelayMs;
    private final List<Path> logs = new ArrayList<>();
    private Process service;
    private URI base;

    private PredictBenchmark(Path work) {
        this.app = Path.of(System.getProperty("benchmark.predict.app", "target/quarkus-app/quarkus-run.jar"))
                .toAbsolutePath();
        this.work = work;
        this.warmup = Integer.getInteger("benchmark.predict.warmup", 200);
        this.requestsC1 = Integer.getInteger("benchmark.predict.requests-c1", 2000);
        this.requestsCn = Integer.getInteger("benchmark.predict.requests-cn", 4000);
        this.concurrency = Integer.getInteger("benchmark.predict.concurrency", 16);
        this.iterations = Integer.getInteger("benchmark.predict.iterations", 50);
        // "default" (or anything not a number): the service's own resnet.predict.max-delay-ms.
        String delay = System.getProperty("benchmark.predict.max-delay-ms", "default").trim();
        this.maxDelayMs = delay.matches("\\d+") ? delay : "";
    }

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process process = RUNNING.get();
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }, "kill-benchmarked-service"));
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "predict-benchmark")), "run-")
                .toAbsolutePath();
        PredictBenchmark benchmark = new PredictBenchmark(work);
        int status = 0;
        try {
            benchmark.run();
        } catch (Exception | AssertionError e) {
            System.out.println("PREDICT BENCHMARK FAILED: " + e);
            e.printStackTrace(System.out);
            System.out.println(benchmark.logTail());
            status = 1;
        } finally {
            benchmark.stop();
        }
        System.out.flush();
        // HttpClient and libtorch leave threads behind; the exit status is what Maven sees.
        System.exit(status);
    }

    private void run() throws Exception {
        if (!Files.isRegularFile(app)) {
            throw new IllegalStateException(app + " is missing: run the package phase first");
        }
        String loadBefore = loadAverage();
        long busyBefore = machineBusyNanos();
        long wallBefore = System.nanoTime();
        Thread.sleep(3000);
        double idleCheck = (machineBusyNanos() - busyBefore) / (double) (System.nanoTime() - wallBefore);
        Path data = SyntheticCifar10.write(work.resolve("data"), 256, BATCH, 5);
        List<byte[]> pngs = TestImages.pngs(Cifar10Reader.read(data).test());
        Path home = work.resolve("home");
        System.out.printf(Locale.ROOT, "predict benchmark: %d CPUs, load average %s, %.2f cores busy over 3 s before"
                + " the start%s; app %s, work %s%n", Runtime.getRuntime().availableProcessors(), loadBefore, idleCheck,
                idleCheck > 0.1 ? " (NOT QUIET: the figures will be low)" : "", app, work);
        System.out.printf(Locale.ROOT, "requests: one 32x32 PNG (%d-%d bytes) as a raw image/png body, HTTP/1.1, one"
                + " client per thread; warm-up %d per case, measured %d at c=1 and %d at c=%d; max-delay-ms %s%n",
                pngs.stream().mapToInt(b -> b.length).min().orElseThrow(),
                pngs.stream().mapToInt(b -> b.length).max().orElseThrow(), warmup, requestsC1, requestsCn, concurrency,
                maxDelayMs.isEmpty() ? "service default" : maxDelayMs);

        List<Row> rows = new ArrayList<>();
        start(home, "batching-on", BATCH);
        String jobId = trainModel(data);
        rows.addAll(load("batching on"));
        stop();

        start(home, "batching-off", 1);
        rows.addAll(load("batching off"));
        stop();

        rows.addAll(inProcess(home, jobId, pngs));
        String loadAfter = loadAverage();

        System.out.println();
        System.out.printf(Locale.ROOT, "%-24s %8s %8s %9s %6s %9s %10s %10s %7s%n", "case", "p50 ms", "p99 ms",
                "images/s", "batch", "server ms", "cpu ms/img", "client cpu", "others");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "%-24s %8.2f %8.2f %9.1f %6s %9s %10s %10s %7s%n", row.name(), row.p50Ms(),
                    row.p99Ms(), row.imagesPerSecond(), orDash(row.meanBatch(), 1), orDash(row.serverMs(), 2),
                    orDash(row.serviceCpuMs(), 2), orDash(row.clientCpuMs(), 2), orDash(row.otherCores(), 2));
        }
        Row onC1 = find(rows, "batching on c=1");
        Row onCn = find(rows, "batching on c=" + concurrency);
        Row offCn = find(rows, "batching off c=" + concurrency);
        System.out.printf(Locale.ROOT, "batching on / off at c=%d: %.2fx images/s (goal >= 3)%n", concurrency,
                onCn.imagesPerSecond() / offCn.imagesPerSecond());
        System.out.printf(Locale.ROOT, "p99 at c=1, batching on: %.2f ms (goal < 10)%n", onC1.p99Ms());
        System.out.println("batch: mean device batch size (resnet_predict_batch_size); server ms: mean time inside"
                + " the service per request (resnet_predict_seconds: decode + queue + forward); cpu ms/img: CPU time"
                + " of the service process per image (bare rows: of this process); client cpu: this JVM's CPU time"
                + " per image while it sends; others: cores the rest of the machine kept busy meanwhile (kernel"
                + " network work included; well above 0.1 means interference); all over the measured requests"
                + " only. Bare rows: p50/p99 are ms per call of ServedModel.probabilities (the service's batch"
                + " call) or per PNG decode");
        System.out.printf(Locale.ROOT, "load average before %s, after %s%n", loadBefore, loadAfter);
    }

    // ---- the service as a process ---------------------------------------------------------

    private void start(Path home, String label, int maxBatch) throws Exception {
        Path log = work.resolve("service-" + label + ".log");
        logs.add(log);
        Map<String, String> env = new HashMap<>(Map.of("RESNET_PREDICT_MAX_BATCH", Integer.toString(maxBatch)));
        if (!maxDelayMs.isEmpty()) {
            env.put("RESNET_PREDICT_MAX_DELAY_MS", maxDelayMs);
        }
        long started = System.nanoTime();
        ServiceProcess launched = ServiceProcess.launch(app, home, log, env);
        service = launched.process();
        base = launched.base();
        RUNNING.set(service);
        launched.awaitReady(Duration.ofSeconds(120));
        System.out.printf(Locale.ROOT, "service %s (max-batch %d) ready on port %d after %.1f s%n", label, maxBatch,
                base.getPort(), (System.nanoTime() - started) / 1e9);
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    private void stop() throws InterruptedException {
        Process process = service;
        service = null;
        if (process == null) {
            return;
        }
        try {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            RUNNING.compareAndSet(process, null);
        }
    }

    /** A one-epoch job on generated data: speed does not depend on how well the model learned. */
    private String trainModel(Path data) throws Exception {
        long started = System.nanoTime();
        String spec = JSON.writeValueAsString(Map.of("epochs", 1, "batchSize", 64, "limitTrain", 256, "limitTest", 64,
                "dataset", Map.of("path", data.toString())));
        HttpClient http = client();
        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(base.resolve("/jobs"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(spec)).build(), HttpResponse.BodyHandlers.ofString());
        if (submitted.statusCode() != 202) {
            throw new IllegalStateException("POST /jobs answered " + submitted.statusCode() + ": " + submitted.body());
        }
        String id = JSON.readTree(submitted.body()).get("id").asText();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/jobs/" + id))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode job = JSON.readTree(response.body());
            String state = job.path("state").asText();
            if ("succeeded".equals(state)) {
                System.out.printf(Locale.ROOT, "model: job %s succeeded after %.1f s%n", id,
                        (System.nanoTime() - started) / 1e9);
                return id;
            }
            if (ENDED.contains(state)) {
                throw new IllegalStateException("job " + id + " ended " + state + ": " + job.toPrettyString());
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("job " + id + " did not succeed within 5 minutes");
    }

    // ---- load over HTTP --------------------------------------------------------------------

    private List<Row> load(String label) throws Exception {
        List<byte[]> pngs = TestImages.pngs(Cifar10Reader.read(work.resolve("data")).test());
        HttpClient[] clients = new HttpClient[Math.max(1, concurrency)];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = client();
        }
        HttpResponse<String> first = post(clients[0], pngs.get(0));
        if (first.statusCode() != 200) {
            throw new IllegalStateException("POST /predict answered " + first.statusCode() + ": " + first.body());
        }
        List<Row> rows = new ArrayList<>();
        for (int c : new int[] {1, concurrency}) {
            run(clients, pngs, c, warmup);
            double[] before = metrics();
            long serviceCpuBefore = serviceCpuNanos();
            long clientCpuBefore = ownCpuNanos();
            long busyBefore = machineBusyNanos();
            long[] latencies = new long[c == 1 ? requestsC1 : requestsCn];
            double seconds = run(clients, pngs, c, latencies.length, latencies);
            long clientCpu = ownCpuNanos() - clientCpuBefore;
            long serviceCpu = serviceCpuNanos() - serviceCpuBefore;
            long busy = machineBusyNanos() - busyBefore;
            double[] after = metrics();
            Arrays.sort(latencies);
            double count = after[1] - before[1];
            Row row = new Row(label + " c=" + c, percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6,
                    latencies.length / seconds, (after[3] - before[3]) / (after[2] - before[2]),
                    count > 0 ? (after[0] - before[0]) / count * 1e3 : Double.NaN,
                    serviceCpu / 1e6 / latencies.length, clientCpu / 1e6 / latencies.length,
                    Math.max(0, busy - serviceCpu - clientCpu) / 1e9 / seconds);
            System.out.printf(Locale.ROOT, "%s: p50 %.2f ms, p99 %.2f ms, %.1f images/s, mean batch %.1f, %.1f s,"
                    + " other processes %.2f cores%n", row.name(), row.p50Ms(), row.p99Ms(), row.imagesPerSecond(),
                    row.meanBatch(), seconds, row.otherCores());
            rows.add(row);
        }
        return rows;
    }

    private double run(HttpClient[] clients, List<byte[]> pngs, int threads, int requests) throws Exception {
        return run(clients, pngs, threads, requests, new long[requests]);
    }

    /** {@code requests} requests from {@code threads} threads; each latency into {@code latencies}; wall seconds. */
    private double run(HttpClient[] clients, List<byte[]> pngs, int threads, int requests, long[] latencies)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            HttpClient http = clients[t];
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                    for (int i = next.getAndIncrement(); i < requests && failure.get() == null;
                            i = next.getAndIncrement()) {
                        long start = System.nanoTime();
                        HttpResponse<String> response = post(http, pngs.get(i % pngs.size()));
                        latencies[i] = System.nanoTime() - start;
                        if (response.statusCode() != 200) {
                            failure.compareAndSet(null, "POST /predict answered " + response.statusCode() + ": "
                                    + response.body());
                        }
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e.toString());
                }
            }, "client-" + t);
            workers.add(worker);
            worker.start();
        }
        long start = System.nanoTime();
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
        return seconds;
    }

    private HttpResponse<String> post(HttpClient http, byte[] png) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve("/predict")).header("Content-Type", "image/png")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");

    /** [predict seconds sum, count, batch size count, sum] from /q/metrics, summed over tags. */
    private double[] metrics() throws Exception {
        String text = client().send(HttpRequest.newBuilder(base.resolve("/q/metrics")).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> sums = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                try {
                    sums.merge(m.group(1), Double.parseDouble(m.group(3)), Double::sum);
                } catch (NumberFormatException ignored) {
                    // not a sample line
                }
            }
        }
        return new double[] {
            sums.getOrDefault("resnet_predict_seconds_sum", Double.NaN),
            sums.getOrDefault("resnet_predict_seconds_count", Double.NaN),
            sums.getOrDefault("resnet_predict_batch_size_count", Double.NaN),
            sums.getOrDefault("resnet_predict_batch_size_sum", Double.NaN)};
    }

    /** CPU time of the service process, all threads. */
    private long serviceCpuNanos() {
        return service.toHandle().info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("the service's CPU time is not readable"));
    }

    /** CPU time of this process, all threads. */
    private static long ownCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time the whole machine spent busy (steal included), from /proc/stat; 0 where unreadable. */
    private static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal ...: all but idle and iowait
            for (int i = 1; i <= 8 && i < f.length; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * (1_000_000_000L / USER_HZ);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String orDash(double value, int decimals) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    // ---- in-process ceiling ----------------------------------------------------------------

    /** The served model's own batch call, no HTTP, no queue; plus one PNG decode, for the breakdown. */
    private List<Row> inProcess(Path home, String jobId, List<byte[]> pngs) throws Exception {
        boolean tuned = MallocTuning.apply();
        Engine engine = Engine.getEngine("PyTorch");
        // As the service does at start-up: else libtorch retries NNPACK (and logs) on every forward.
        boolean nnpackOff = NnpackSwitch.turnOff();
        JniUtils.setGradMode(false);
        System.out.printf(Locale.ROOT, "in process: %s %s, %d threads, malloc tuned: %s, NNPACK off: %s%n",
                engine.getEngineName(), engine.getVersion(), JniUtils.getNumThreads(), tuned, nnpackOff);
        CheckpointStore store = new CheckpointStore(JSON);
        List<Checkpoint> checkpoints = store.list(home.resolve("jobs").resolve(jobId).resolve("checkpoints"));
        if (checkpoints.isEmpty()) {
            throw new IllegalStateException("job " + jobId + " left no checkpoint under " + home);
        }
        List<Row> rows = new ArrayList<>();
        ImageDecoder decoder = new ImageDecoder(4096L * 4096, 16384);
        List<byte[]> pixels = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            decoder.decode("warm-up.png", pngs.get(i % pngs.size()));
        }
        long[] decodes = new long[2000];
        long cpuBefore = ownCpuNanos();
        long busyBefore = machineBusyNanos();
        for (int i = 0; i < decodes.length; i++) {
            long start = System.nanoTime();
            DecodedImage image = decoder.decode("image.png", pngs.get(i % pngs.size()));
            decodes[i] = System.nanoTime() - start;
            if (pixels.size() < BATCH) {
                pixels.add(image.pixels());
            }
        }
        rows.add(timed("bare PNG decode 1 image", decodes, 1, ownCpuNanos() - cpuBefore, machineBusyNanos() - busyBefore));
        try (ServedModel model = new ServedModel(checkpoints.get(checkpoints.size() - 1), store, Device.cpu())) {
            rows.add(forward(model, pixels.subList(0, 1), Math.max(iterations, 200)));
            if (concurrency > 1 && concurrency < BATCH) {
                rows.add(forward(model, pixels.subList(0, concurrency), Math.max(iterations, 100)));
            }
            rows.add(forward(model, pixels, iterations));
        }
        return rows;
    }

    private Row forward(ServedModel model, List<byte[]> pixels, int count) {
        List<ImageInput> batch = pixels.stream().map(ImageInput::pixels).toList();
        for (int i = 0; i < Math.max(5, count / 10); i++) {
            model.scores(batch);
        }
        long[] times = new long[count];
        long cpuBefore = ownCpuNanos();
        long busyBefore = machineBusyNanos();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            model.scores(batch);
            times[i] = System.nanoTime() - start;
        }
        return timed("bare forward batch " + batch.size(), times, batch.size(), ownCpuNanos() - cpuBefore,
                machineBusyNanos() - busyBefore);
    }

    private static Row timed(String name, long[] nanos, int imagesPerCall, long cpuNanos, long busyNanos) {
        double total = Arrays.stream(nanos).sum() / 1e9;
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        Row row = new Row(name, percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6,
                nanos.length * imagesPerCall / total, Double.NaN, Double.NaN,
                cpuNanos / 1e6 / (nanos.length * imagesPerCall), Double.NaN,
                Math.max(0, busyNanos - cpuNanos) / 1e9 / total);
        System.out.printf(Locale.ROOT, "%s: p50 %.2f ms, p99 %.2f ms, %.1f images/s%n", row.name(), row.p50Ms(),
                row.p99Ms(), row.imagesPerSecond());
        return row;
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static double percentile(long[] sorted, double q) {
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static Row find(List<Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no row " + name));
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * The last lines of every service log so far, for failure messages, without libtorch's
     * "Could not initialize NNPACK" warning, which it repeats for every forward on this CPU.
     */
    private String logTail() {
        StringBuilder tail = new StringBuilder();
        for (Path log : logs) {
            try {
                List<String> all = Files.readAllLines(log);
                List<String> lines = all.stream().filter(line -> !line.contains("NNPACK")).toList();
                tail.append("\n--- last lines of ").append(log).append(" (").append(all.size() - lines.size())
                        .append(" NNPACK warnings left out) ---\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            } catch (IOException | UncheckedIOException e) {
                tail.append("\n(cannot read ").append(log).append(": ").append(e.getMessage()).append(')');
            }
        }
        return tail.toString();
    }
}
