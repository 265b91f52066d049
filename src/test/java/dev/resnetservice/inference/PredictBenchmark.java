package dev.resnetservice.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelInferRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelInferRequest.InferInputTensor;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.testdata.ServiceProcess;
import dev.resnetservice.testdata.SyntheticCifar10;
import dev.resnetservice.testdata.TestImages;
import dev.resnetservice.training.IntraOpThreads;
import dev.resnetservice.training.MallocTuning;
import dev.resnetservice.training.NnpackSwitch;
import dev.resnetservice.training.Precision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serving speed of the packaged service, started as a separate process the way a user runs it,
 * under closed-loop load at several concurrencies, for each protocol: {@code /predict} with a
 * 32x32 PNG as the raw body, the Open Inference Protocol over REST with the binary tensor
 * extension (pixels UINT8 [1,32,32,3] in, probabilities FP32 out, both binary) and over gRPC
 * (the same tensor as raw_input_contents). One image a request. Then the in-process ceiling: the
 * served model's own batch call at the same batch sizes, without HTTP, the way the service runs it
 * (one forward per core, side by side) and as one forward over all cores.
 *
 * <p>HTTP load comes from {@code wrk} (a separate C process, one thread: apt-get install wrk),
 * gRPC load from this JVM; both report their own CPU, since they share the machine's cores with
 * the service.
 *
 * <p>Run: {@code ./mvnw -B -ntp -Pbenchmark verify -Dbenchmark.training.skip} (options:
 * -Dbenchmark.predict.seconds=10 -Dbenchmark.predict.warmup-seconds=20
 * -Dbenchmark.predict.concurrency=1,4,16,64 -Dbenchmark.predict.protocols=predict,oip-rest,oip-grpc).
 * Service log: {@code target/predict-benchmark/run-* /service.log}.
 */
public final class PredictBenchmark {

    private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled", "interrupted");
    private static final int[] BATCHES = {1, 4, 16, 64};
    /** /proc/stat's unit, 100 on every common Linux build. */
    private static final long USER_HZ = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Request bodies to cycle through: different images, the same sizes. */
    private static final int BODIES = 16;
    /** The service process running now, for the shutdown hook. */
    private static final AtomicReference<Process> RUNNING = new AtomicReference<>();

    /**
     * {@code serverMs}: mean time inside the service per request; CPU figures are milliseconds of CPU
     * time (all threads) per image; {@code clientCores}: the load generator's CPU in cores;
     * {@code otherCores}: what the rest of the machine used meanwhile; NaN where not measured.
     */
    private record Row(String name, double p50Ms, double p90Ms, double p99Ms, double imagesPerSecond,
            double meanBatch, double serverMs, double serviceCpuMs, double clientCores, double otherCores) {
    }

    private final Path app;
    private final Path work;
    private final int seconds;
    private final int warmupSeconds;
    private final int[] concurrencies;
    private final List<String> protocols;
    private final List<Path> logs = new ArrayList<>();
    private Process service;
    private URI base;
    private int grpcPort;

    private PredictBenchmark(Path work) {
        this.app = Path.of(System.getProperty("benchmark.predict.app", "target/quarkus-app/quarkus-run.jar"))
                .toAbsolutePath();
        this.work = work;
        this.seconds = Integer.getInteger("benchmark.predict.seconds", 10);
        this.warmupSeconds = Integer.getInteger("benchmark.predict.warmup-seconds", 20);
        this.concurrencies = Arrays.stream(System.getProperty("benchmark.predict.concurrency", "1,4,16,64").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        this.protocols = List.of(System.getProperty("benchmark.predict.protocols", "predict,oip-rest,oip-grpc")
                .split("\\s*,\\s*"));
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
        // gRPC and libtorch leave threads behind; the exit status is what Maven sees.
        System.exit(status);
    }

    private void run() throws Exception {
        if (!Files.isRegularFile(app)) {
            throw new IllegalStateException(app + " is missing: run the package phase first");
        }
        if (protocols.stream().anyMatch(p -> !p.equals("oip-grpc")) && !WrkLoad.installed()) {
            throw new IllegalStateException("wrk is not installed (apt-get install wrk), or name only"
                    + " -Dbenchmark.predict.protocols=oip-grpc");
        }
        String loadBefore = loadAverage();
        long busyBefore = machineBusyNanos();
        long wallBefore = System.nanoTime();
        Thread.sleep(3000);
        double idleCheck = (machineBusyNanos() - busyBefore) / (double) (System.nanoTime() - wallBefore);
        Path data = SyntheticCifar10.write(work.resolve("data"), 256, 64, 5);
        ImageStore images = Cifar10Reader.read(data).test();
        System.out.printf(Locale.ROOT, "predict benchmark: %d CPUs, load average %s, %.2f cores busy over 3 s before"
                + " the start%s; app %s, work %s%n", Runtime.getRuntime().availableProcessors(), loadBefore, idleCheck,
                idleCheck > 0.1 ? " (NOT QUIET: the figures will be low)" : "", app, work);
        System.out.printf(Locale.ROOT, "one 32x32 image a request, closed loop; warm-up %d s, then %d s per case%n",
                warmupSeconds, seconds);

        Path home = work.resolve("home");
        start(home);
        String jobId = trainModel(data);
        Map<String, Load> loads = loads(images);
        for (String protocol : protocols) {
            loads.get(protocol).run(16, Math.max(1, warmupSeconds / protocols.size()));
        }
        List<Row> rows = new ArrayList<>();
        for (String protocol : protocols) {
            for (int c : concurrencies) {
                rows.add(measure(protocol + " c=" + c, c, loads.get(protocol)));
            }
        }
        stop();
        rows.addAll(inProcess(home, jobId, images));
        String loadAfter = loadAverage();

        System.out.println();
        System.out.printf(Locale.ROOT, "%-28s %8s %8s %8s %9s %6s %9s %10s %7s %7s%n", "case", "p50 ms", "p90 ms",
                "p99 ms", "images/s", "batch", "server ms", "cpu ms/img", "client", "others");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "%-28s %8.2f %8.2f %8.2f %9.1f %6s %9s %10s %7s %7s%n", row.name(),
                    row.p50Ms(), row.p90Ms(), row.p99Ms(), row.imagesPerSecond(), orDash(row.meanBatch(), 1),
                    orDash(row.serverMs(), 2), orDash(row.serviceCpuMs(), 2), orDash(row.clientCores(), 2),
                    orDash(row.otherCores(), 2));
        }
        goals(rows);
        System.out.println("batch: mean device batch size (resnet_predict_batch_size); server ms: mean time inside"
                + " the service per request (resnet_predict_seconds: decode + queue + forward); cpu ms/img: CPU time"
                + " of the service process per image (in-process rows: of this process); client: the load"
                + " generator's CPU in cores (wrk's own, or this JVM's for gRPC); others: cores the rest of the"
                + " machine kept busy meanwhile (kernel network work included). In-process rows: p50/p90/p99 are ms"
                + " per call of ServedModel.scores (the service's batch call)");
        System.out.printf(Locale.ROOT, "load average before %s, after %s%n", loadBefore, loadAfter);
    }

    private void goals(List<Row> rows) {
        double ceiling = rows.stream().filter(r -> r.name().startsWith("in-process") && r.name().endsWith("batch 64"))
                .mapToDouble(Row::imagesPerSecond).max().orElse(Double.NaN);
        rows.stream().filter(r -> r.name().equals("oip-rest c=64")).findFirst().ifPresent(r -> System.out.printf(
                Locale.ROOT, "OIP REST binary at c=64: %.0f images/s, %.2f of the in-process batch-64 forward's %.0f"
                + " (goal >= 0.60)%n", r.imagesPerSecond(), r.imagesPerSecond() / ceiling, ceiling));
        rows.stream().filter(r -> r.name().endsWith(" c=1") && !r.name().startsWith("in-process")).forEach(r ->
                System.out.printf(Locale.ROOT, "p99 at c=1, %s: %.2f ms (goal < 10)%n",
                        r.name().substring(0, r.name().indexOf(' ')), r.p99Ms()));
        rows.stream().filter(r -> r.name().equals("predict c=16")).findFirst().ifPresent(r -> System.out.printf(
                Locale.ROOT, "/predict PNG at c=16: %.0f images/s (goal >= 880, twice the 440 before)%n",
                r.imagesPerSecond()));
    }

    // ---- the service as a process ---------------------------------------------------------

    private void start(Path home) throws Exception {
        Path log = work.resolve("service.log");
        logs.add(log);
        long started = System.nanoTime();
        ServiceProcess launched = ServiceProcess.launch(app, home, log, Map.of());
        service = launched.process();
        base = launched.base();
        grpcPort = launched.grpcPort();
        RUNNING.set(service);
        launched.awaitReady(Duration.ofSeconds(120));
        System.out.printf(Locale.ROOT, "service ready on port %d (gRPC %d) after %.1f s%n", base.getPort(), grpcPort,
                (System.nanoTime() - started) / 1e9);
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

    // ---- load ------------------------------------------------------------------------------

    /** Closed-loop load of one protocol at a concurrency, for some seconds. */
    @FunctionalInterface
    private interface Load {
        LoadResult run(int concurrency, int seconds) throws Exception;
    }

    private Map<String, Load> loads(ImageStore images) throws Exception {
        Path bodies = Files.createDirectories(work.resolve("bodies"));
        List<Path> pngs = new ArrayList<>();
        List<Path> tensors = new ArrayList<>();
        List<ModelInferRequest> calls = new ArrayList<>();
        byte[] header = JSON.writeValueAsBytes(Map.of(
                "inputs", List.of(Map.of("name", "pixels", "datatype", "UINT8", "shape", List.of(1, 32, 32, 3),
                        "parameters", Map.of("binary_data_size", ImageStore.IMAGE_BYTES))),
                "outputs", List.of(Map.of("name", "probabilities", "parameters", Map.of("binary_data", true)))));
        List<byte[]> encoded = TestImages.pngs(images);
        for (int i = 0; i < BODIES; i++) {
            pngs.add(Files.write(bodies.resolve("image-" + i + ".png"), encoded.get(i % encoded.size())));
            byte[] hwc = TestImages.hwc(images.image(i % images.size()));
            ByteArrayOutputStream tensor = new ByteArrayOutputStream();
            tensor.write(header);
            tensor.write(hwc);
            tensors.add(Files.write(bodies.resolve("pixels-" + i + ".bin"), tensor.toByteArray()));
            calls.add(ModelInferRequest.newBuilder().setModelName("default").addInputs(InferInputTensor.newBuilder()
                    .setName("pixels").setDatatype("UINT8").addShape(1).addShape(32).addShape(32).addShape(3))
                    .addRawInputContents(ByteString.copyFrom(hwc)).build());
        }
        Map<String, Load> loads = new HashMap<>();
        WrkLoad wrk = new WrkLoad(work);
        loads.put("predict", (c, s) -> wrk.run(base.resolve("/predict"), c, s, "image/png", null, pngs));
        loads.put("oip-rest", (c, s) -> wrk.run(base.resolve("/v2/models/default/infer"), c, s,
                "application/octet-stream", "Inference-Header-Content-Length: " + header.length, tensors));
        loads.put("oip-grpc", (c, s) -> {
            try (GrpcLoad grpc = new GrpcLoad(grpcPort)) {
                return grpc.run(calls, c, s);
            }
        });
        for (String protocol : protocols) {
            if (!loads.containsKey(protocol)) {
                throw new IllegalArgumentException("benchmark.predict.protocols: unknown " + protocol
                        + "; known: " + loads.keySet());
            }
        }
        return loads;
    }

    private Row measure(String name, int concurrency, Load load) throws Exception {
        double[] before = metrics();
        long serviceCpuBefore = serviceCpuNanos();
        long busyBefore = machineBusyNanos();
        LoadResult result = load.run(concurrency, seconds);
        long serviceCpu = serviceCpuNanos() - serviceCpuBefore;
        long busy = machineBusyNanos() - busyBefore;
        double[] after = metrics();
        double count = after[1] - before[1];
        Row row = new Row(name, result.p50Ms(), result.p90Ms(), result.p99Ms(), result.perSecond(),
                (after[3] - before[3]) / (after[2] - before[2]),
                count > 0 ? (after[0] - before[0]) / count * 1e3 : Double.NaN,
                serviceCpu / 1e6 / result.requests(), result.clientCores(),
                Math.max(0, busy - serviceCpu - result.clientCpuNanos()) / 1e9 / result.seconds());
        System.out.printf(Locale.ROOT, "%s: p50 %.2f ms, p99 %.2f ms, %.1f images/s, mean batch %.1f, load generator"
                + " %.2f cores%n", name, row.p50Ms(), row.p99Ms(), row.imagesPerSecond(), row.meanBatch(),
                row.clientCores());
        return row;
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

    /**
     * The served model's own batch call, no HTTP, no queue: as the service runs it (one thread per
     * core, each forward on its own core, all at once) and as one forward spread over every core.
     */
    private List<Row> inProcess(Path home, String jobId, ImageStore images) throws Exception {
        boolean tuned = MallocTuning.apply();
        Engine engine = Engine.getEngine("PyTorch");
        // As the service does at start-up: else libtorch retries NNPACK (and logs) on every forward.
        boolean nnpackOff = NnpackSwitch.turnOff();
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "in process: %s %s, %d cores, malloc tuned: %s, NNPACK off: %s%n",
                engine.getEngineName(), engine.getVersion(), cores, tuned, nnpackOff);
        CheckpointStore store = new CheckpointStore(JSON);
        List<Checkpoint> checkpoints = store.list(home.resolve("jobs").resolve(jobId).resolve("checkpoints"));
        if (checkpoints.isEmpty()) {
            throw new IllegalStateException("job " + jobId + " left no checkpoint under " + home);
        }
        Checkpoint checkpoint = checkpoints.get(checkpoints.size() - 1);
        List<ImageInput> inputs = new ArrayList<>();
        for (int i = 0; i < BATCHES[BATCHES.length - 1]; i++) {
            inputs.add(ImageInput.pixels(images.image(i % images.size())));
        }
        List<Row> rows = new ArrayList<>();
        for (int batch : BATCHES) {
            rows.add(forward("in-process " + cores + "x1 core, batch " + batch, checkpoint, store,
                    inputs.subList(0, batch), cores, 1));
            rows.add(forward("in-process 1x" + cores + " cores, batch " + batch, checkpoint, store,
                    inputs.subList(0, batch), 1, cores));
        }
        return rows;
    }

    /** {@code threads} threads, each with its own model on {@code coresEach} cores, calling at once for a while. */
    private Row forward(String name, Checkpoint checkpoint, CheckpointStore store, List<ImageInput> batch, int threads,
            int coresEach) throws Exception {
        long[][] times = new long[threads][];
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        CyclicBarrier end = new CyclicBarrier(threads + 1);
        long window = TimeUnit.SECONDS.toNanos(Math.max(2, seconds / 2));
        List<Thread> workers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int slot = t;
            Thread worker = new Thread(() -> {
                try (ServedModel model = new ServedModel(checkpoint, store, Device.cpu(), Precision.FP32)) {
                    JniUtils.setGradMode(false);
                    IntraOpThreads.setForCurrentThread(coresEach);
                    for (int i = 0; i < 20; i++) {
                        model.scores(batch);
                    }
                    start.await();
                    long[] calls = new long[100_000];
                    int n = 0;
                    long stop = System.nanoTime() + window;
                    for (long now = System.nanoTime(); now < stop && n < calls.length; n++) {
                        model.scores(batch);
                        long done = System.nanoTime();
                        calls[n] = done - now;
                        now = done;
                    }
                    times[slot] = Arrays.copyOf(calls, n);
                    end.await();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    start.reset();
                    end.reset();
                }
            }, "forward-" + t);
            workers.add(worker);
            worker.start();
        }
        start.await();
        long cpuBefore = LoadResult.processCpuNanos();
        long busyBefore = machineBusyNanos();
        long wallStart = System.nanoTime();
        end.await();
        double wall = (System.nanoTime() - wallStart) / 1e9;
        long cpu = LoadResult.processCpuNanos() - cpuBefore;
        long busy = machineBusyNanos() - busyBefore;
        for (Thread worker : workers) {
            worker.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(name + " failed", failure.get());
        }
        long[] all = Arrays.stream(times).flatMapToLong(Arrays::stream).sorted().toArray();
        Row row = new Row(name, LoadResult.percentileMillis(all, 0.50), LoadResult.percentileMillis(all, 0.90),
                LoadResult.percentileMillis(all, 0.99), (double) all.length * batch.size() / wall, Double.NaN,
                Double.NaN, cpu / 1e6 / (all.length * batch.size()), Double.NaN, Math.max(0, busy - cpu) / 1e9 / wall);
        System.out.printf(Locale.ROOT, "%s: p50 %.2f ms, p99 %.2f ms, %.1f images/s%n", row.name(), row.p50Ms(),
                row.p99Ms(), row.imagesPerSecond());
        return row;
    }

    // ---- helpers ---------------------------------------------------------------------------

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
