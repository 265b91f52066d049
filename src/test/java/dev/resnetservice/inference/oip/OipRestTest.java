package dev.resnetservice.inference.oip;

import static dev.resnetservice.inference.oip.OipTensors.hwc;
import static dev.resnetservice.inference.oip.OipTensors.hwcBatch;
import static dev.resnetservice.inference.oip.OipTensors.littleEndian;
import static dev.resnetservice.inference.oip.OipTensors.normalizedValues;
import static dev.resnetservice.testdata.JobApi.data;
import static dev.resnetservice.testdata.JobApi.tinyModel;
import static dev.resnetservice.testdata.TestImages.png;
import static dev.resnetservice.testdata.TestImages.record;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.testdata.TestHome;
import dev.resnetservice.testdata.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Conformance of the Open Inference Protocol's REST endpoints (KServe V2), on a real tiny model. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OipRestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IMAGE = 3;

    @Test
    @Order(1)
    void withoutAnyModelInferenceIs503WithAnError() {
        given().contentType("application/json").body(request(pixels(IMAGE)))
                .when().post("/v2/models/default/infer")
                .then().statusCode(503).contentType("application/json")
                .body("error", containsString("no model"));
    }

    @Test
    void serverMetadataNamesTheExtensions() {
        given().get("/v2").then().statusCode(200).contentType("application/json")
                .body("name", equalTo("resnet-service"))
                .body("version", notNullValue())
                .body("extensions", hasItems("binary_tensor_data", "classification"));
    }

    @Test
    void serverIsLiveAndReady() {
        given().get("/v2/health/live").then().statusCode(200).body("live", equalTo(true));
        given().get("/v2/health/ready").then().statusCode(200).body("ready", equalTo(true));
    }

    @Test
    void modelMetadataGivesEveryInputAndOutputWithTheBatchAsMinusOne() {
        String job = tinyModel();
        given().get("/v2/models/" + job).then().statusCode(200).contentType("application/json")
                .body("name", equalTo(job))
                .body("versions", equalTo(List.of("1")))
                .body("platform", equalTo("djl_pytorch"))
                .body("inputs.find { it.name == 'pixels' }.datatype", equalTo("UINT8"))
                .body("inputs.find { it.name == 'pixels' }.shape", equalTo(List.of(-1, 32, 32, 3)))
                .body("inputs.find { it.name == 'input' }.datatype", equalTo("FP32"))
                .body("inputs.find { it.name == 'input' }.shape", equalTo(List.of(-1, 3, 32, 32)))
                .body("inputs.find { it.name == 'images' }.datatype", equalTo("BYTES"))
                .body("inputs.find { it.name == 'images' }.shape", equalTo(List.of(-1)))
                .body("outputs.find { it.name == 'probabilities' }.shape", equalTo(List.of(-1, 10)))
                .body("outputs.find { it.name == 'logits' }.datatype", equalTo("FP32"))
                .body("parameters.mean.size()", equalTo(3))
                .body("parameters.classes.size()", equalTo(10));
        given().get("/v2/models/" + job + "/versions/1").then().statusCode(200).body("name", equalTo(job));
        given().get("/v2/models/default").then().statusCode(200).body("name", equalTo(job));
    }

    @Test
    void aModelAndItsVersionsAreReady() {
        String job = tinyModel();
        given().get("/v2/models/" + job + "/ready").then().statusCode(200)
                .body("name", equalTo(job)).body("ready", equalTo(true));
        given().get("/v2/models/" + job + "/versions/1/ready").then().statusCode(200).body("ready", equalTo(true));
        given().get("/v2/models/default/ready").then().statusCode(200).body("name", equalTo(job));
    }

    @ParameterizedTest
    @CsvSource({"/v2/models/20261126-180530-abcdef", "/v2/models/nonsense/ready", "/v2/models/JOB/versions/7",
            "/v2/models/JOB/versions/x/ready", "/v2/models/default/versions/9"})
    void unknownModelsAndVersionsAre404WithAnError(String path) {
        given().get(path.replace("JOB", tinyModel())).then().statusCode(404).contentType("application/json")
                .body("error", notNullValue());
    }

    @Test
    void inferenceOnAnUnknownModelOrVersionIs404() {
        String job = tinyModel();
        for (String model : List.of("20261126-180530-abcdef", "nonsense", job + "/versions/7")) {
            given().contentType("application/json").body(request(pixels(IMAGE)))
                    .when().post("/v2/models/" + model + "/infer")
                    .then().statusCode(404).contentType("application/json").body("error", notNullValue());
        }
    }

    /** /predict, then OIP images (BYTES), pixels (UINT8) and input (FP32): one image, one set of probabilities. */
    @Test
    void theSameImageGivesTheSameProbabilitiesThroughEveryInputAndPredict() {
        String job = tinyModel();
        ImageStore test = Cifar10Reader.read(data()).test();
        JsonNode viaPredict = parse(given().contentType("image/png").body(png(record(test, IMAGE)))
                .when().post("/predict?topk=10").then().statusCode(200).extract().asByteArray());
        float[] expected = new float[10];
        viaPredict.at("/predictions/0/top").forEach(c -> expected[c.get("index").asInt()] = c.get("probability").floatValue());

        String infer = "/v2/models/" + job + "/infer";
        assertArrayEquals(expected, probabilities(inferJson(infer, request(images(png(record(test, IMAGE)))))), 1e-6f);
        assertArrayEquals(expected, probabilities(inferJson(infer, request(pixels(IMAGE)))), 1e-6f);
        assertArrayEquals(expected, probabilities(inferJson(infer, request(normalized(IMAGE, job)))), 1e-6f);
    }

    @Test
    void binaryAndJsonBodiesGiveIdenticalAnswersForEveryDatatype() {
        String job = tinyModel();
        String infer = "/v2/models/" + job + "/versions/1/infer";
        ImageStore test = Cifar10Reader.read(data()).test();
        byte[] file = png(record(test, IMAGE));
        byte[] element = ByteBuffer.allocate(4 + file.length).order(ByteOrder.LITTLE_ENDIAN).putInt(file.length).put(file).array();
        List<Map<String, Object>> jsonInputs = List.of(pixels(IMAGE), normalized(IMAGE, job), images(file));
        List<byte[]> binaries = List.of(hwc(IMAGE), littleEndian(normalizedValues(IMAGE, job)), element);
        for (int i = 0; i < jsonInputs.size(); i++) {
            Map<String, Object> json = jsonInputs.get(i);
            JsonNode viaJson = inferJson(infer, request(json));
            Map<String, Object> binaryInput = new HashMap<>(json);
            binaryInput.remove("data");
            binaryInput.put("parameters", Map.of("binary_data_size", binaries.get(i).length));
            Map<String, Object> body = new HashMap<>(request(binaryInput));
            body.put("parameters", Map.of("binary_data_output", true));
            Response binary = postBinary(infer, body, binaries.get(i));
            binary.then().statusCode(200).contentType("application/octet-stream");
            Map<String, float[]> outputs = binaryOutputs(binary);
            assertArrayEquals(floats(output(viaJson, "probabilities")), outputs.get("probabilities"), json.get("name") + "");
            assertArrayEquals(floats(output(viaJson, "logits")), outputs.get("logits"), json.get("name") + "");
        }
    }

    @Test
    void aBatchGivesOneRowPerImageAndTheIdComesBack() {
        String job = tinyModel();
        byte[] three = hwcBatch(3);
        Map<String, Object> body = new HashMap<>(request(Map.of("name", "pixels", "datatype", "UINT8",
                "shape", List.of(3, 32, 32, 3), "data", unsigned(three))));
        body.put("id", "request-42");
        body.put("outputs", List.of(Map.of("name", "probabilities")));
        JsonNode answer = inferJson("/v2/models/" + job + "/infer", body);
        assertEquals("request-42", answer.get("id").asText());
        assertEquals(job, answer.get("model_name").asText());
        assertEquals("1", answer.get("model_version").asText());
        assertEquals(1, answer.get("outputs").size(), "only the output asked for");
        assertEquals("[3,10]", output(answer, "probabilities").get("shape").toString());
        float[] rows = floats(output(answer, "probabilities"));
        float[] second = probabilities(inferJson("/v2/models/" + job + "/infer", request(pixels(1))));
        assertArrayEquals(second, Arrays.copyOfRange(rows, 10, 20), 1e-6f);
    }

    /** Pixels and normalised values never share a device batch (one tensor each), whatever arrives together. */
    @Test
    void concurrentPixelAndNormalisedRequestsAllGetTheirAnswer() throws Exception {
        String job = tinyModel();
        String infer = "/v2/models/" + job + "/infer";
        float[] expected = probabilities(inferJson(infer, request(pixels(IMAGE))));
        List<Map<String, Object>> bodies = List.of(request(pixels(IMAGE)), request(normalized(IMAGE, job)));
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                Map<String, Object> body = bodies.get(i % 2);
                answers.add(clients.submit(() -> inferJson(infer, body)));
            }
            for (Future<JsonNode> answer : answers) {
                assertArrayEquals(expected, probabilities(answer.get()), 1e-5f);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void logitsSoftmaxToTheProbabilities() {
        JsonNode answer = inferJson("/v2/models/" + tinyModel() + "/infer", request(pixels(IMAGE)));
        float[] logits = floats(output(answer, "logits"));
        float[] probabilities = floats(output(answer, "probabilities"));
        double max = IntStream.range(0, 10).mapToDouble(i -> logits[i]).max().orElseThrow();
        double sum = IntStream.range(0, 10).mapToDouble(i -> Math.exp(logits[i] - max)).sum();
        for (int i = 0; i < 10; i++) {
            assertEquals(probabilities[i], Math.exp(logits[i] - max) / sum, 1e-5);
        }
    }

    @Test
    void theClassificationExtensionGivesTheTopKAsStrings() {
        String job = tinyModel();
        Map<String, Object> body = new HashMap<>(request(pixels(IMAGE)));
        body.put("outputs", List.of(Map.of("name", "probabilities", "parameters", Map.of("classification", 3))));
        JsonNode answer = inferJson("/v2/models/" + job + "/infer", body);
        JsonNode top = output(answer, "probabilities");
        assertEquals("BYTES", top.get("datatype").asText());
        assertEquals("[1,3]", top.get("shape").toString());
        float[] probabilities = probabilities(inferJson("/v2/models/" + job + "/infer", request(pixels(IMAGE))));
        List<String> classes = given().get("/v2/models/" + job).then().extract().jsonPath().getList("parameters.classes");
        Integer[] order = IntStream.range(0, 10).boxed().sorted((a, b) -> Float.compare(probabilities[b], probabilities[a]))
                .toArray(Integer[]::new);
        for (int k = 0; k < 3; k++) {
            String[] parts = top.get("data").get(k).asText().split(":");
            assertEquals(probabilities[order[k]], Float.parseFloat(parts[0]), 0f);
            assertEquals(order[k], Integer.parseInt(parts[1]));
            assertEquals(classes.get(order[k]), parts[2]);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"inputs\": [{\"name\": \"pixels\", \"datatype\": \"FP32\", \"shape\": [1,32,32,3], \"data\": [1]}]}|UINT8",
        "{\"inputs\": [{\"name\": \"pixels\", \"datatype\": \"UINT8\", \"shape\": [1,32,32,3], \"data\": [1, 2, 3]}]}|holds 3072 values, data has 3",
        "{\"inputs\": [{\"name\": \"pixels\", \"datatype\": \"UINT8\", \"shape\": [1,3,32,32], \"data\": [1]}]}|takes shape [N,32,32,3]",
        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [0,3,32,32], \"data\": []}]}|N >= 1",
        "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"\"]}]}|unknown input",
        "{\"inputs\": []}|one input per request",
        "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"eA==\"]}, {\"name\": \"images\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"eA==\"]}]}|one input per request",
        "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"not base64!\"]}]}|base64",
        "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"bm90ZXM=\"]}]}|images[0]",
        "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"BYTES\", \"shape\": [1]}]}|neither",
        "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"eA==\"]}], \"outputs\": [{\"name\": \"scores\"}]}|unknown output",
        "{\"inputs\": [{\"name\": \"images\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"eA==\"]}], \"outputs\": [{\"name\": \"logits\", \"parameters\": {\"classification\": 11}}]}|between 1 and 10",
        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1,3,32,32], \"data\": [\"a\"]}]}|data has 1",
        "{\"inputs\": [ {\"name\": |not an inference request",
    })
    void aBadRequestIs400WithAnErrorSayingWhatWasWrong(String body, String says) {
        given().contentType("application/json").body(body)
                .when().post("/v2/models/" + tinyModel() + "/infer")
                .then().statusCode(400).contentType("application/json")
                .body("error", containsString(says));
    }

    @Test
    void aUint8ValueOutOfRangeIs400() {
        int[] values = new int[3072];
        values[5] = 300;
        given().contentType("application/json").body(request(Map.of("name", "pixels", "datatype", "UINT8",
                        "shape", List.of(1, 32, 32, 3), "data", values)))
                .when().post("/v2/models/" + tinyModel() + "/infer")
                .then().statusCode(400).body("error", containsString("value 5 is 300"));
    }

    @Test
    void binarySizesThatDoNotAddUpAre400() {
        String infer = "/v2/models/" + tinyModel() + "/infer";
        Map<String, Object> input = Map.of("name", "pixels", "datatype", "UINT8", "shape", List.of(1, 32, 32, 3),
                "parameters", Map.of("binary_data_size", 100));
        postBinary(infer, request(input), hwc(IMAGE)).then().statusCode(400).contentType("application/json")
                .body("error", containsString("3072 bytes follow the JSON header, but pixels says 100"));
        Map<String, Object> short100 = Map.of("name", "pixels", "datatype", "UINT8", "shape", List.of(1, 32, 32, 3),
                "parameters", Map.of("binary_data_size", 100));
        postBinary(infer, request(short100), new byte[100]).then().statusCode(400)
                .body("error", containsString("is 3072 bytes of UINT8, but binary_data_size is 100"));
        given().header("Inference-Header-Content-Length", "9999").body(new byte[10])
                .when().post(infer).then().statusCode(400).body("error", containsString("Inference-Header-Content-Length"));
    }

    @Test
    void moreImagesThanTheLimitIs413() {
        given().contentType("application/json").body(request(Map.of("name", "pixels", "datatype", "UINT8",
                        "shape", List.of(65, 32, 32, 3), "data", List.of())))
                .when().post("/v2/models/" + tinyModel() + "/infer")
                .then().statusCode(413).contentType("application/json")
                .body("error", containsString("65 images in one request; the limit is 64"));
    }

    @Test
    void anImageOverThePixelLimitIs413() {
        byte[] huge = TestImages.blackPng16(16_777_216, 2);
        given().contentType("application/json").body(request(images(huge)))
                .when().post("/v2/models/" + tinyModel() + "/infer")
                .then().statusCode(413).contentType("application/json")
                .body("error", containsString("resnet.predict.max-pixels"));
    }

    @Test
    void aBodyOverTheRequestLimitIs413WithAnError() {
        given().contentType("application/json").body("{\"pad\": \"" + "x".repeat(11 << 20) + "\"}")
                .when().post("/v2/models/" + tinyModel() + "/infer")
                .then().statusCode(413).contentType("application/json")
                .body("error", containsString("resnet.max-request-body"));
    }

    @Test
    void predictionsAreCountedByProtocol() {
        inferJson("/v2/models/" + tinyModel() + "/infer", request(pixels(IMAGE)));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("resnet_predictions_total{outcome=\"success\",protocol=\"oip-rest\"}"),
                metrics.lines().filter(line -> line.startsWith("resnet_predict")).toList().toString());
        assertTrue(metrics.contains("resnet_predict_seconds_count{protocol=\"oip-rest\"}"));
    }

    // ---- requests ---------------------------------------------------------------------------

    private static Map<String, Object> request(Map<String, Object> input) {
        return Map.of("inputs", List.of(input));
    }

    private static Map<String, Object> pixels(int index) {
        return Map.of("name", "pixels", "datatype", "UINT8", "shape", List.of(1, 32, 32, 3), "data", unsigned(hwc(index)));
    }

    private static Map<String, Object> normalized(int index, String job) {
        return Map.of("name", "input", "datatype", "FP32", "shape", List.of(1, 3, 32, 32),
                "data", normalizedValues(index, job));
    }

    private static Map<String, Object> images(byte[] file) {
        return Map.of("name", "images", "datatype", "BYTES", "shape", List.of(1),
                "data", List.of(Base64.getEncoder().encodeToString(file)));
    }

    private static int[] unsigned(byte[] bytes) {
        return IntStream.range(0, bytes.length).map(i -> bytes[i] & 0xff).toArray();
    }

    private static Response postBinary(String path, Map<String, Object> header, byte[] tensor) {
        byte[] json = write(header);
        byte[] body = Arrays.copyOf(json, json.length + tensor.length);
        System.arraycopy(tensor, 0, body, json.length, tensor.length);
        return given().header("Inference-Header-Content-Length", json.length).contentType("application/octet-stream")
                .body(body).when().post(path);
    }

    // ---- answers ----------------------------------------------------------------------------

    private static JsonNode inferJson(String path, Map<String, Object> body) {
        return parse(given().contentType("application/json").body(write(body)).when().post(path)
                .then().statusCode(200).contentType("application/json").extract().asByteArray());
    }

    private static JsonNode output(JsonNode answer, String name) {
        for (JsonNode output : answer.get("outputs")) {
            if (name.equals(output.get("name").asText())) {
                return output;
            }
        }
        throw new AssertionError("no output " + name + " in " + answer);
    }

    private static float[] probabilities(JsonNode answer) {
        return floats(output(answer, "probabilities"));
    }

    private static float[] floats(JsonNode output) {
        JsonNode data = output.get("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.get(i).floatValue();
        }
        return values;
    }

    /** The binary outputs of an answer, by name, after its JSON header. */
    private static Map<String, float[]> binaryOutputs(Response answer) {
        byte[] body = answer.asByteArray();
        int headerLength = Integer.parseInt(answer.header("Inference-Header-Content-Length"));
        JsonNode header = parse(Arrays.copyOf(body, headerLength));
        ByteBuffer binary = ByteBuffer.wrap(body, headerLength, body.length - headerLength).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, float[]> outputs = new HashMap<>();
        for (JsonNode output : header.get("outputs")) {
            assertEquals("FP32", output.get("datatype").asText());
            float[] values = new float[output.at("/parameters/binary_data_size").asInt() / 4];
            for (int i = 0; i < values.length; i++) {
                values[i] = binary.getFloat();
            }
            outputs.put(output.get("name").asText(), values);
        }
        assertEquals(0, binary.remaining());
        return outputs;
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
