package dev.resnetservice.jobs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.resnetservice.testdata.JobApi.cancel;
import static dev.resnetservice.testdata.JobApi.home;
import static dev.resnetservice.testdata.JobApi.submit;
import static dev.resnetservice.testdata.JobApi.submitLong;
import static dev.resnetservice.testdata.JobApi.waitFor;
import static dev.resnetservice.testdata.JobApi.waitForEnd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.testdata.JobApi;
import dev.resnetservice.testdata.SyntheticCifar10;
import dev.resnetservice.testdata.TestImages;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
class JobResourceTest {

    private static JsonPath trained;

    /** One real 2-epoch job, shared by the tests that look at a finished job. */
    static synchronized JsonPath trainedJob() {
        if (trained == null) {
            String id = submit(Map.of("epochs", 2, "batchSize", 64, "optimizer", Map.of("lr", 0.001)));
            trained = waitForEnd(id, Duration.ofMinutes(5));
        }
        return trained;
    }

    @Test
    void trainsTwoEpochsWithEveryFigureAndLearns() {
        JsonPath job = trainedJob();
        assertEquals("succeeded", job.getString("state"), job.prettify());
        assertEquals(2, job.getInt("epoch"));
        assertEquals(2, job.getInt("epochs"));
        assertEquals("cpu", job.getString("device"));
        List<Map<String, Object>> history = job.getList("history");
        assertEquals(2, history.size());
        for (int i = 0; i < 2; i++) {
            Map<String, Object> row = history.get(i);
            assertEquals(i + 1, row.get("epoch"));
            for (String field : List.of("trainLoss", "testLoss", "testAccuracy", "trainExamplesPerSecond",
                    "testExamplesPerSecond", "epochSeconds")) {
                assertTrue(((Number) row.get(field)).doubleValue() > 0, field + " in " + row);
            }
        }
        assertTrue(job.getDouble("history[1].testAccuracy") >= 0.9, "test accuracy " + job.get("history"));
        assertTrue(job.getString("finishedAt") != null && job.getString("startedAt") != null);
    }

    @Test
    void writesACheckpointPerEpochWhoseSha256Matches() throws IOException {
        JsonPath job = trainedJob();
        List<Map<String, Object>> checkpoints = job.getList("checkpoints");
        assertEquals(2, checkpoints.size());
        for (Map<String, Object> checkpoint : checkpoints) {
            Path params = home().resolve((String) checkpoint.get("path"));
            assertTrue(Files.isRegularFile(params), params.toString());
            assertEquals(checkpoint.get("sha256"), sha256(params));
            Path manifest = params.resolveSibling(params.getFileName().toString().replace(".params", ".json"));
            JsonPath json = new JsonPath(manifest.toFile());
            assertEquals(checkpoint.get("sha256"), json.getString("sha256"));
            assertEquals("resnet18", json.getString("architecture"));
            assertEquals(11_181_642L, json.getLong("parameterCount"));
            assertEquals(10, json.getList("classes").size());
        }
        assertTrue(Files.isRegularFile(home().resolve("jobs").resolve(job.getString("id")).resolve("job.json")));
    }

    @Test
    void listsCheckpointedModelsWithArchitectureAndParameterCount() {
        String id = trainedJob().getString("id");
        given().get("/models").then().statusCode(200)
                .body("find { it.name == '" + id + "@2' }.architecture", equalTo("resnet18"))
                .body("find { it.name == '" + id + "@2' }.parameterCount", equalTo(11_181_642))
                .body("find { it.name == '" + id + "@1' }.epoch", equalTo(1));
    }

    @Test
    void theFastPresetTrainsAndRecordsItsResolvedSpecInTheJobAndTheManifest() throws IOException {
        String id = submit(Map.of("recipe", "fast", "epochs", 2, "batchSize", 64, "limitTrain", 256,
                "limitTest", 64));
        JsonPath job = waitForEnd(id, Duration.ofMinutes(5));
        assertEquals("succeeded", job.getString("state"), job.prettify());
        assertEquals("resnet18-cifar", job.getString("spec.model"));
        assertEquals(Map.of("name", "sgd", "lr", 0.4f, "weightDecay", 5e-4f, "momentum", 0.9f, "nesterov", true),
                job.getMap("spec.optimizer"));
        // The preset's 6 warm-up epochs, cut to a fifth of the 2 epochs asked for.
        assertEquals(Map.of("name", "onecycle", "warmupEpochs", 0.4f), job.getMap("spec.schedule"));
        assertEquals(Map.of("crop", 4, "flip", true), job.getMap("spec.augment"));
        assertEquals(0.1f, job.getFloat("spec.labelSmoothing"));
        assertTrue(job.getBoolean("spec.tta"));
        assertTrue(Double.isFinite(job.getDouble("history[1].trainLoss")), job.prettify());

        JsonNode manifest = new ObjectMapper().readTree(
                home().resolve("jobs").resolve(id).resolve("checkpoints").resolve("epoch-0002.json").toFile());
        assertTrue(manifest.get("testTimeAugmentation").asBoolean());
        assertEquals(new ObjectMapper().readTree(given().get("/jobs/" + id).then().extract().body().asString())
                .get("spec"), manifest.get("spec"));
        assertEquals("resnet18-cifar", manifest.get("architecture").asText());

        // Served as measured, the mirror averaged in: still one probability distribution per image.
        byte[] png = TestImages.png(TestImages.record(Cifar10Reader.read(JobApi.data()).test(), 0));
        List<Float> probabilities = given().contentType("image/png").body(png)
                .when().post("/predict?topk=10&model=" + id)
                .then().statusCode(200).body("model", equalTo(id + "@2"))
                .extract().jsonPath().getList("predictions[0].top.probability", Float.class);
        assertEquals(1.0, probabilities.stream().mapToDouble(Float::doubleValue).sum(), 1e-4);
    }

    /**
     * bf16 autocast trains as well as fp32 on the learnable set (the same bar as
     * trainsTwoEpochsWithEveryFigureAndLearns), and its fp32 checkpoints serve under the default
     * resnet.predict.precision, fp32.
     */
    @Test
    void aBf16JobLearnsAsFp32DoesAndItsCheckpointServesInFp32() throws IOException {
        String id = submit(Map.of("epochs", 2, "batchSize", 64, "optimizer", Map.of("lr", 0.001),
                "precision", "bf16"));
        JsonPath job = waitForEnd(id, Duration.ofMinutes(5));
        assertEquals("succeeded", job.getString("state"), job.prettify());
        assertEquals("bf16", job.getString("spec.precision"));
        assertTrue(job.getDouble("history[1].testAccuracy") >= 0.9, "test accuracy " + job.get("history"));
        JsonNode manifest = new ObjectMapper().readTree(
                home().resolve("jobs").resolve(id).resolve("checkpoints").resolve("epoch-0002.json").toFile());
        assertEquals("bf16", manifest.get("spec").get("precision").asText());

        byte[] png = TestImages.png(TestImages.record(Cifar10Reader.read(JobApi.data()).test(), 0));
        given().contentType("image/png").body(png)
                .when().post("/predict?model=" + id)
                .then().statusCode(200).body("model", equalTo(id + "@2"))
                .body("predictions[0].top[0].label", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void recipesShowTheSeedAndFastPresetsFullyResolved() {
        given().get("/recipes").then().statusCode(200).contentType("application/json")
                .body("fast.model", equalTo("resnet18-cifar"))
                .body("fast.optimizer.nesterov", equalTo(true))
                .body("fast.tta", equalTo(true))
                .body("seed.model", equalTo("resnet18"))
                .body("seed.epochs", equalTo(8))
                .body("seed.batchSize", equalTo(256))
                .body("seed.optimizer.name", equalTo("adam"))
                .body("seed.optimizer.lr", equalTo(0.01f))
                .body("seed.optimizer.weightDecay", equalTo(1.0e-4f))
                .body("seed.seed", equalTo(0))
                .body("seed.dataset.format", equalTo("cifar10-binary"));
    }

    @Test
    void listsJobs() {
        String id = trainedJob().getString("id");
        given().get("/jobs").then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem(id));
    }

    @Test
    void cancelStopsARunningJobWithinABatchAndKeepsItsCheckpoints() {
        String id = submitLong();
        waitFor(id, Duration.ofMinutes(5), job -> job.getInt("epoch") >= 1);
        given().when().delete("/jobs/" + id).then().statusCode(202).body("id", equalTo(id));
        JsonPath job = waitForEnd(id, Duration.ofMinutes(1));
        assertEquals("cancelled", job.getString("state"));
        assertTrue(job.getInt("epoch") < 100);
        assertTrue(job.getList("checkpoints").size() >= 1);
        for (Object checkpoint : job.getList("checkpoints.path")) {
            assertTrue(Files.isRegularFile(home().resolve((String) checkpoint)));
        }
    }

    @Test
    void cancelledQueuedJobNeverStarts() {
        String running = submitLong();
        String queued = submit(Map.of("epochs", 1));
        given().when().delete("/jobs/" + queued).then().statusCode(200).body("state", equalTo("cancelled"));
        cancel(running);
        waitForEnd(running, Duration.ofMinutes(2));
        JsonPath job = given().get("/jobs/" + queued).then().extract().jsonPath();
        assertEquals("cancelled", job.getString("state"));
        assertEquals(null, job.getString("startedAt"));
    }

    @Test
    void failsWithAMessageNamingACorruptDataFile() throws IOException {
        Path broken = SyntheticCifar10.write(Path.of("target/broken-cifar10"), 50, 20, 3);
        Path file = broken.resolve("data_batch_2.bin");
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 3073 * 2 + 100));
        String id = submit(Map.of("epochs", 1, "dataset", Map.of("path", broken.toString())));
        JsonPath job = waitForEnd(id, Duration.ofMinutes(2));
        assertEquals("failed", job.getString("state"));
        assertTrue(job.getString("error").contains("data_batch_2.bin"), job.getString("error"));
    }

    @Test
    void aCheckpointThatCannotBeWrittenFailsTheJobWithAClearErrorAndTheServiceStaysUp() throws IOException {
        String id = submit(Map.of("epochs", 2, "limitTrain", 50, "limitTest", 10));
        // A plain file where the checkpoints folder must go: as good as a read-only disk, even for root.
        Files.writeString(home().resolve("jobs").resolve(id).resolve("checkpoints"), "in the way");
        JsonPath job = waitForEnd(id, Duration.ofMinutes(2));
        assertEquals("failed", job.getString("state"));
        assertTrue(job.getString("error").contains("cannot write the checkpoint of epoch 1"), job.getString("error"));
        assertTrue(job.getString("error").contains("jobs/" + id + "/checkpoints"), job.getString("error"));
        assertFalse(job.getString("error").contains(home().toAbsolutePath().toString()),
                "no absolute server path reaches the client: " + job.getString("error"));
        given().get("/jobs/" + id).then().statusCode(200).body("state", equalTo("failed"));
    }

    @Test
    void keepingTheLastCheckpointLeavesOneOnDiskAndTheWholeHistory() throws IOException {
        String id = submit(Map.of("epochs", 3, "batchSize", 50, "limitTrain", 100, "limitTest", 50,
                "checkpoints", Map.of("keep", "last:1")));
        JsonPath job = waitForEnd(id, Duration.ofMinutes(3));
        assertEquals("succeeded", job.getString("state"));
        assertEquals(List.of(1, 2, 3), job.getList("history.epoch"));
        assertEquals(List.of(3), job.getList("checkpoints.epoch"));
        assertEquals("last:1", job.getString("spec.checkpoints.keep"));
        try (var files = Files.list(home().resolve("jobs").resolve(id).resolve("checkpoints"))) {
            assertEquals(List.of("epoch-0003.json", "epoch-0003.params"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        given().get("/models").then().statusCode(200)
                .body("findAll { it.job == '" + id + "' }.name", equalTo(List.of(id + "@3")));
    }

    @Test
    void purgeRemovesAFinishedJobWithItsFilesButNotARunningOneOrTheChosenDefault() {
        String finished = submit(Map.of("epochs", 1, "batchSize", 50, "limitTrain", 100, "limitTest", 50));
        assertEquals("succeeded", waitForEnd(finished, Duration.ofMinutes(3)).getString("state"));
        String chosen = submit(Map.of("epochs", 1, "batchSize", 50, "limitTrain", 100, "limitTest", 50));
        assertEquals("succeeded", waitForEnd(chosen, Duration.ofMinutes(3)).getString("state"));
        given().contentType("application/json").body(Map.of("model", chosen)).put("/models/default")
                .then().statusCode(200);
        String running = submitLong();
        try {
            given().delete("/jobs/" + running + "?purge=true").then().statusCode(409)
                    .contentType("application/problem+json").body("detail", containsString("cancel it"));
            given().delete("/jobs/" + chosen + "?purge=true").then().statusCode(409)
                    .body("detail", containsString("default model"));

            given().delete("/jobs/" + finished + "?purge=true").then().statusCode(204);
            given().get("/jobs/" + finished).then().statusCode(404);
            assertFalse(Files.exists(home().resolve("jobs").resolve(finished)), "its folder is gone");
            given().get("/models/" + finished).then().statusCode(404);
        } finally {
            cancel(running);
        }
    }

    @Test
    void cancellingAFinishedJobIs409AndCancellingTwiceChangesNothing() {
        String id = trainedJob().getString("id");
        given().delete("/jobs/" + id).then().statusCode(409).contentType("application/problem+json");
        String busy = submitLong();
        String waiting = submit(Map.of("epochs", 1));
        given().delete("/jobs/" + waiting).then().statusCode(200).body("state", equalTo("cancelled"));
        given().delete("/jobs/" + waiting).then().statusCode(200).body("state", equalTo("cancelled"));
        cancel(busy);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"epochs\": 0}|epochs",
        "{\"epochs\": 1001}|epochs",
        "{\"batchSize\": 4097}|batchSize",
        "{\"batchSize\": 0}|batchSize",
        "{\"optimizer\": {\"lr\": -0.1}}|optimizer.lr",
        "{\"optimizer\": {\"lr\": 0}}|optimizer.lr",
        "{\"optimizer\": {\"name\": \"rmsprop\"}}|optimizer.name",
        "{\"model\": \"vgg16\"}|model",
        "{\"device\": \"tpu\"}|device",
        "{\"limitTrain\": 0}|limitTrain",
        "{\"dataset\": {\"format\": \"imagenet\"}}|dataset.format",
        "{\"dataset\": {\"path\": \"/no/such/folder\"}}|dataset.path",
        "{\"dataset\": {\"path\": \"data\\u0000/x\"}}|dataset.path",
        "{\"checkpoints\": {\"keep\": \"newest\"}}|checkpoints.keep",
        "{\"model\": \"resnet18-cifar\", \"batchSize\": 4096}|batchSize",
        "{\"epochs\": \"many\"}|epochs",
        "{\"epoch\": 3}|epoch",
        "{\"precision\": \"fp8\"}|precision",
    })
    void rejectsABadSpecNamingTheField(String body, String field) {
        given().contentType("application/json").body(body)
                .when().post("/jobs")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("field", equalTo(field))
                .body("detail", containsString(field))
                .body("title", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void rejectsMalformedJson() {
        given().contentType("application/json").body("{\"epochs\": ")
                .when().post("/jobs")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void refusesTheDefaultDataSetWhenItIsMissingAndDownloadsAreOff() {
        given().contentType("application/json").body("{}")
                .when().post("/jobs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("dataset.path"))
                .body("detail", containsString("cifar-10-batches-bin"))
                .body("detail", containsString("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"));
    }

    @ParameterizedTest
    @CsvSource({"20261126-180530-abcdef", "..%2F..%2Fetc", "not-an-id"})
    void unknownJobIsA404Problem(String id) {
        given().urlEncodingEnabled(false).get("/jobs/" + id).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        given().urlEncodingEnabled(false).delete("/jobs/" + id).then().statusCode(404)
                .contentType("application/problem+json");
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
