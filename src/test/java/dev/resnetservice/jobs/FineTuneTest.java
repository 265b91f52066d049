package dev.resnetservice.jobs;

import static dev.resnetservice.testdata.JobApi.data;
import static dev.resnetservice.testdata.JobApi.submit;
import static dev.resnetservice.testdata.JobApi.waitForEnd;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.interop.Safetensors;
import dev.resnetservice.testdata.SyntheticCifar100;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Jobs that start from a model ({@code init}): its accuracy from the first epoch, a frozen backbone, a new fc. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
class FineTuneTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String source;

    /** A model that has learnt the generated data (about 0.9 test accuracy after two epochs). */
    private static synchronized String source() {
        if (source == null) {
            String id = submit(Map.of("epochs", 2, "batchSize", 64, "optimizer", Map.of("lr", 0.001)));
            JsonPath job = waitForEnd(id, Duration.ofMinutes(5));
            assertEquals("succeeded", job.getString("state"), job.prettify());
            assertTrue(job.getDouble("history[1].testAccuracy") >= 0.8, job.prettify());
            source = id;
        }
        return source;
    }

    private static JsonPath finished(Map<String, Object> spec) {
        JsonPath job = waitForEnd(submit(spec), Duration.ofMinutes(5));
        assertEquals("succeeded", job.getString("state"), job.prettify());
        return job;
    }

    /** With a learning rate too small to learn anything in one epoch, only the start can explain the accuracy. */
    @Test
    void aFineTuningJobStartsFromTheModelsAccuracy() {
        Map<String, Object> spec = Map.of("epochs", 1, "batchSize", 64, "limitTrain", 128,
                "optimizer", Map.of("lr", 1e-7));
        JsonPath scratch = finished(spec);
        JsonPath tuned = finished(with(spec, "init", Map.of("model", source())));

        double fromScratch = scratch.getDouble("history[0].testAccuracy");
        double fromModel = tuned.getDouble("history[0].testAccuracy");
        assertTrue(fromModel >= 0.8, "epoch-1 accuracy from the model: " + fromModel);
        assertTrue(fromScratch < 0.5, "epoch-1 accuracy from scratch: " + fromScratch);
        assertEquals(source() + "@2", tuned.getString("spec.init.model"), "the exact checkpoint is recorded");
        assertEquals("none", tuned.getString("spec.init.freeze"));
        assertTrue(tuned.getString("spec.init.sha256").matches("[0-9a-f]{64}"));
        String events = given().get("/jobs/" + tuned.getString("id") + "/events").asString();
        assertTrue(events.contains("starting from " + source() + "@2"), "the running state event says so");
    }

    @Test
    void aFrozenBackboneLeavesEveryParameterButFcUnchanged() throws Exception {
        JsonPath tuned = finished(Map.of("epochs", 1, "batchSize", 64, "limitTrain", 256,
                "optimizer", Map.of("lr", 0.01), "init", Map.of("model", source(), "freeze", "backbone")));
        Map<String, Safetensors.Tensor> before = exported(source());
        Map<String, Safetensors.Tensor> after = exported(tuned.getString("id"));
        assertEquals(before.keySet(), after.keySet());
        for (String key : before.keySet()) {
            boolean same = Arrays.equals(before.get(key).f32(), after.get(key).f32());
            if (key.startsWith("fc.")) {
                assertFalse(same, key + " is trained");
            } else {
                assertTrue(same, key + " is frozen, running statistics included");
            }
        }
    }

    /** CIFAR-100's 20 coarse classes from a 10-class model: the backbone comes along, fc starts afresh. */
    @Test
    void anotherClassCountKeepsTheBackboneAndDrawsANewFc() throws Exception {
        Path cifar100 = SyntheticCifar100.write(Path.of("target/fine-tune-cifar100/cifar-100-binary"), 256, 64, 5);
        JsonPath tuned = finished(Map.of("epochs", 1, "batchSize", 64,
                "dataset", Map.of("format", "cifar100-binary", "path", cifar100.toString(), "labels", "coarse"),
                "init", Map.of("model", source(), "freeze", "backbone")));
        assertEquals(20, given().get("/models/" + tuned.getString("id")).jsonPath().getList("classes").size());
        Map<String, Safetensors.Tensor> before = exported(source());
        Map<String, Safetensors.Tensor> after = exported(tuned.getString("id"));
        assertArrayEquals(new long[] {20, 512}, after.get("fc.weight").shape());
        assertArrayEquals(before.get("layer4.1.conv2.weight").f32(), after.get("layer4.1.conv2.weight").f32());
        assertTrue(given().get("/jobs/" + tuned.getString("id") + "/events").asString()
                .contains("with a new fc (10 classes there, 20 here)"));
    }

    @Test
    void aBadStartIs400NamingTheField() {
        post(Map.of("init", Map.of("model", "20260101-000000-nosuch"))).body("detail",
                containsString("init.model: no model named '20260101-000000-nosuch'"));
        post(Map.of("init", Map.of("model", source(), "freeze", "everything"))).body("detail",
                containsString("init.freeze: 'everything': expected one of [none, backbone]"));
        post(Map.of("init", Map.of())).body("detail", containsString("init.model: name the model"));
        post(Map.of("model", "resnet18-cifar", "init", Map.of("model", source()))).body("detail",
                containsString("set \"model\": \"resnet18\" to fine-tune it"));
        post(Map.of("init", Map.of("model", source(), "sha256", "0".repeat(64)))).body("detail",
                containsString("init.sha256: '" + "0".repeat(64) + "' is not the sha256 of " + source() + "@2"));
    }

    private static io.restassured.response.ValidatableResponse post(Map<String, Object> spec) {
        return given().contentType("application/json").body(with(spec, "dataset", Map.of("path", data().toString())))
                .post("/jobs").then().statusCode(400).contentType("application/problem+json");
    }

    private static Map<String, Object> with(Map<String, Object> spec, String key, Object value) {
        Map<String, Object> more = new java.util.HashMap<>(spec);
        more.put(key, value);
        return more;
    }

    private static Map<String, Safetensors.Tensor> exported(String model) throws Exception {
        byte[] file = given().get("/models/" + model + "/export?format=safetensors").then().statusCode(200)
                .extract().asByteArray();
        return Safetensors.read(file, JSON).tensors();
    }
}
