package dev.resnetservice.inference;

import static dev.resnetservice.testdata.JobApi.data;
import static dev.resnetservice.testdata.JobApi.home;
import static dev.resnetservice.testdata.JobApi.submit;
import static dev.resnetservice.testdata.JobApi.waitForEnd;
import static dev.resnetservice.testdata.TestImages.png;
import static dev.resnetservice.testdata.TestImages.record;
import static dev.resnetservice.testdata.TestImages.solid;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.testdata.JobApi;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PredictResourceTest {

    private static String job;

    /** A real tiny model, trained once for the class on the generated data set. */
    static synchronized String trainedJob() {
        if (job == null) {
            job = submit(Map.of("epochs", 2, "batchSize", 64, "optimizer", Map.of("lr", 0.001)));
            assertEquals("succeeded", waitForEnd(job, Duration.ofMinutes(5)).getString("state"));
        }
        return job;
    }

    @Test
    @Order(1)
    void withoutAnyModelPredictIs503() {
        given().multiPart("image", "a.png", png(solid(32, 32, 0x336699)), "image/png")
                .when().post("/predict")
                .then().statusCode(503).contentType("application/problem+json")
                .body("detail", containsString("no model"));
    }

    @Test
    void classifiesManyUploadedTestImagesCorrectly() {
        trainedJob();
        ImageDataset dataset = Cifar10Reader.read(data());
        RequestSpecification request = given();
        int count = 50;
        for (int i = 0; i < count; i++) {
            request.multiPart("image", "test-" + i + ".png", png(record(dataset.test(), i)), "image/png");
        }
        JsonPath answer = request.when().post("/predict?topk=3")
                .then().statusCode(200).contentType("application/json")
                .body("predictions", hasSize(count))
                .extract().jsonPath();
        int correct = 0;
        for (int i = 0; i < count; i++) {
            assertEquals("test-" + i + ".png", answer.getString("predictions[" + i + "].file"));
            assertEquals(false, answer.getBoolean("predictions[" + i + "].resized"));
            assertEquals(3, answer.getList("predictions[" + i + "].top").size());
            if (answer.getInt("predictions[" + i + "].index") == dataset.test().label(i)) {
                correct++;
            }
        }
        assertTrue(correct >= 0.9 * count, correct + " of " + count + " right");
        assertTrue(answer.getString("model").startsWith(job + "@"), answer.getString("model"));
    }

    @Test
    void samplesShowTestImagesWithTrueLabelsAndTheNewestCheckpointsPredictions() throws IOException {
        trainedJob();
        ImageDataset dataset = Cifar10Reader.read(data());
        JsonPath answer = given().when().get("/jobs/" + job + "/samples?n=12")
                .then().statusCode(200).contentType("application/json")
                .body("samples", hasSize(12))
                .extract().jsonPath();
        assertEquals(job + "@2", answer.getString("model"));
        int correct = 0;
        for (int i = 0; i < 12; i++) {
            String at = "samples[" + i + "].";
            int label = dataset.test().label(i);
            assertEquals(label, answer.getInt(at + "labelIndex"));
            assertEquals(dataset.classes().get(label), answer.getString(at + "label"));
            String url = answer.getString(at + "image");
            assertTrue(url.startsWith("data:image/png;base64,"), url);
            BufferedImage shown = ImageIO.read(new ByteArrayInputStream(
                    Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))));
            BufferedImage expected = record(dataset.test(), i);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    assertEquals(expected.getRGB(x, y), shown.getRGB(x, y), "image " + i + " pixel " + x + "," + y);
                }
            }
            boolean right = answer.getInt(at + "predicted.index") == label;
            assertEquals(right, answer.getBoolean(at + "correct"));
            correct += right ? 1 : 0;
        }
        assertTrue(correct >= 10, correct + " of 12 right");
    }

    @Test
    void samplesOfAJobWithoutCheckpointHaveNoPredictionYet() {
        trainedJob();
        String running = JobApi.submitLong();
        given().when().get("/jobs/" + running + "/samples")
                .then().statusCode(200)
                .body("model", nullValue())
                .body("samples", hasSize(10))
                .body("samples[0].predicted", nullValue())
                .body("samples[0].correct", nullValue());
        JobApi.cancel(running);
    }

    @ParameterizedTest
    @CsvSource({"0", "101", "-3"})
    void samplesCountOutOfRangeIs400NamingN(String n) {
        given().when().get("/jobs/20260101-000000-abcdef/samples?n=" + n)
                .then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("n"));
    }

    @Test
    void samplesOfAnUnknownJobAre404() {
        given().when().get("/jobs/20260101-000000-abcdef/samples")
                .then().statusCode(404).contentType("application/problem+json");
        given().when().get("/jobs/..%2F..%2Fetc/samples")
                .then().statusCode(404);
    }

    @Test
    void classifiesARawImageBodyWithTopK() {
        trainedJob();
        ImageDataset dataset = Cifar10Reader.read(data());
        JsonPath answer = given().contentType("image/png").body(png(record(dataset.test(), 7)))
                .when().post("/predict?topk=10")
                .then().statusCode(200)
                .extract().jsonPath();
        List<Float> probabilities = answer.getList("predictions[0].top.probability", Float.class);
        assertEquals(10, probabilities.size());
        for (int i = 1; i < probabilities.size(); i++) {
            assertTrue(probabilities.get(i - 1) >= probabilities.get(i), "sorted: " + probabilities);
        }
        assertEquals(1.0, probabilities.stream().mapToDouble(Float::doubleValue).sum(), 1e-3);
        assertEquals(dataset.test().label(7), answer.getInt("predictions[0].index"));
        assertEquals(dataset.classes().get(dataset.test().label(7)), answer.getString("predictions[0].label"));
    }

    @ParameterizedTest
    @CsvSource({"0", "11", "-1"})
    void topkOutsideTheClassesIs400(String topk) {
        trainedJob();
        given().multiPart("image", "a.png", png(solid(32, 32, 0x336699)), "image/png")
                .when().post("/predict?topk=" + topk)
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("topk"));
    }

    @Test
    void aOneByOneImageIsAcceptedAndResized() {
        trainedJob();
        given().multiPart("image", "dot.png", png(solid(1, 1, 0xff0000)), "image/png")
                .when().post("/predict")
                .then().statusCode(200).body("predictions[0].resized", equalTo(true))
                .body("predictions[0].file", equalTo("dot.png"));
    }

    @ParameterizedTest
    @CsvSource({
        "empty.png, empty, 400",
        "notes.png, text, 415",
        "cut.png, truncated, 415",
        "huge.png, huge, 413",
        "noise.jpg, random, 415",
    })
    void hostileUploadsGetAProblemNamingTheFileAndTheServiceStaysUp(String file, String kind, int status) {
        trainedJob();
        given().multiPart("image", "fine.png", png(solid(32, 32, 0x00ff00)), "image/png")
                .multiPart("image", file, hostile(kind), "image/png")
                .when().post("/predict")
                .then().statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("detail", containsString(file));
        given().get("/q/health/live").then().statusCode(200);
        given().multiPart("image", "after.png", png(solid(32, 32, 0x00ff00)), "image/png")
                .when().post("/predict").then().statusCode(200);
    }

    @Test
    void moreImagesInOneRequestThanTheLimitIs413() {
        trainedJob();
        RequestSpecification request = given();
        byte[] image = png(solid(32, 32, 0x336699));
        for (int i = 0; i < 65; i++) {
            request.multiPart("image", i + ".png", image, "image/png");
        }
        request.when().post("/predict")
                .then().statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("65 images in one request; the limit is 64"));
    }

    @Test
    void aRequestWithoutAFileIs400() {
        trainedJob();
        given().multiPart("note", "just text").when().post("/predict")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("no image"));
    }

    @Test
    void anUnknownModelIs404() {
        trainedJob();
        given().multiPart("image", "a.png", png(solid(32, 32, 0x336699)), "image/png")
                .when().post("/predict?model=20261126-180530-abcdef@3")
                .then().statusCode(404).contentType("application/problem+json");
        given().get("/models/nonsense").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void theDefaultModelCanBeChosenAndIsKeptOnDisk() throws IOException {
        String id = trainedJob();
        given().contentType("application/json").body(Map.of("model", id + "@1"))
                .when().put("/models/default")
                .then().statusCode(200).body("name", equalTo(id + "@1")).body("default", equalTo(true));
        assertEquals(id + "@1", Files.readString(home().resolve("models/default")).trim());
        given().get("/models").then().statusCode(200)
                .body("find { it.name == '" + id + "@1' }.default", equalTo(true))
                .body("find { it.name == '" + id + "@2' }.default", equalTo(false));
        given().multiPart("image", "a.png", png(solid(32, 32, 0x336699)), "image/png")
                .when().post("/predict").then().statusCode(200).body("model", equalTo(id + "@1"));

        // What a restart would read: the file, not memory.
        Files.writeString(home().resolve("models/default"), id + "@2");
        given().get("/models/default").then().statusCode(200).body("name", equalTo(id + "@2"));
        given().contentType("application/json").body(Map.of("model", "nope@1"))
                .when().put("/models/default").then().statusCode(404);
    }

    @Test
    void concurrentRequestsAreBatchedOnTheDeviceAndWaitForADecodeSlot() throws Exception {
        trainedJob();
        byte[] image = png(solid(32, 32, 0x123456));
        List<Float> alone = given().multiPart("image", "c.png", image, "image/png").when().post("/predict")
                .then().statusCode(200).extract().jsonPath().getList("predictions[0].top.probability", Float.class);
        // Four times resnet.predict.max-concurrent-decodes (8): the others wait for a decode slot, none is refused.
        ExecutorService clients = Executors.newFixedThreadPool(32);
        try {
            List<CompletableFuture<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> given()
                        .multiPart("image", "c.png", image, "image/png").when().post("/predict"), clients));
            }
            for (CompletableFuture<Response> answer : answers) {
                assertEquals(200, answer.get().statusCode());
                // Whichever batch thread and batch size served it: the same answer as the lone request.
                List<Float> batched = answer.get().jsonPath().getList("predictions[0].top.probability", Float.class);
                for (int k = 0; k < alone.size(); k++) {
                    assertEquals(alone.get(k), batched.get(k), 1e-4);
                }
            }
        } finally {
            clients.shutdownNow();
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double largest = metrics.lines().filter(line -> line.startsWith("resnet_predict_batch_size_max"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .max().orElse(0);
        assertTrue(largest > 1, "a device batch held more than one image:\n" + metrics.lines()
                .filter(line -> line.startsWith("resnet_predict")).toList());
        assertTrue(metrics.contains("resnet_predictions_total{outcome=\"success\",protocol=\"predict\"}"));
        assertTrue(metrics.contains("resnet_predict_seconds_bucket"));
    }

    private static byte[] hostile(String kind) {
        return switch (kind) {
            case "empty" -> new byte[0];
            case "text" -> "these are my notes, not a picture".getBytes(StandardCharsets.UTF_8);
            case "truncated" -> {
                byte[] whole = png(record(Cifar10Reader.read(data()).test(), 1));
                yield Arrays.copyOf(whole, whole.length / 2);
            }
            case "huge" -> hugePngHeader();
            case "random" -> {
                byte[] noise = new byte[4096];
                new Random(1).nextBytes(noise);
                yield noise;
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** A PNG signature and an IHDR chunk claiming 60000x60000 pixels, and nothing else. */
    private static byte[] hugePngHeader() {
        ByteBuffer png = ByteBuffer.allocate(8 + 25);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        png.putInt(13);
        int chunkStart = png.position();
        png.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(60000).putInt(60000)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(png.array(), chunkStart, 17);
        png.putInt((int) crc.getValue());
        return png.array();
    }
}
