package dev.resnetservice.interop;

import static dev.resnetservice.testdata.JobApi.data;
import static dev.resnetservice.testdata.JobApi.home;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.ResNet18;
import dev.resnetservice.testdata.SystemPython;
import dev.resnetservice.testdata.TestHome;
import dev.resnetservice.testdata.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
class ModelImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> LABELS = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

    /** A resnet18 state_dict made here (DJL's init, torchvision's names), without metadata. */
    private static List<Safetensors.Tensor> stateDict(Architecture architecture, int classes) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = ResNet18.build(architecture, classes);
            ResNet18.initialize(block, manager);
            return TorchvisionStateDict.of(block);
        }
    }

    private static byte[] safetensors(List<Safetensors.Tensor> tensors, Map<String, String> metadata) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Safetensors.write(tensors, metadata, out, JSON);
        return out.toByteArray();
    }

    /** Sent from a file: RestAssured's log-on-failure formats a byte[] part, all 45 MB of it, before sending. */
    private static ValidatableResponse upload(byte[] weights, Map<String, String> fields) throws Exception {
        Path file = Files.write(Files.createTempDirectory(Path.of("target"), "upload-").resolve("model.safetensors"),
                weights);
        var request = given().multiPart("weights", file.toFile(), "application/octet-stream");
        fields.forEach(request::multiPart);
        return request.when().post("/models").then();
    }

    @Test
    void anImportIsListedServedAndExportedAgainUnchanged() throws Exception {
        List<Safetensors.Tensor> tensors = stateDict(Architecture.RESNET18, 10);
        byte[] file = safetensors(tensors, Map.of("classes", JSON.writeValueAsString(LABELS),
                "architecture", "resnet18"));
        upload(file, Map.of("name", "round-trip")).statusCode(201)
                .header("Location", containsString("/models/round-trip@0"))
                .body("name", equalTo("round-trip@0"))
                .body("job", nullValue())
                .body("architecture", equalTo("resnet18"))
                .body("parameterCount", equalTo(11181642))
                .body("classes", equalTo(LABELS));
        given().get("/models").then().statusCode(200).body("name", hasItem("round-trip@0"));
        given().get("/models/round-trip").then().statusCode(200).body("epoch", equalTo(0));

        ImageStore test = Cifar10Reader.read(data()).test();
        given().multiPart("image", "x.png", TestImages.png(TestImages.record(test, 0)), "image/png")
                .post("/predict?model=round-trip").then().statusCode(200)
                .body("model", equalTo("round-trip@0"))
                .body("predictions[0].label", org.hamcrest.Matchers.in(LABELS));

        byte[] exported = given().get("/models/round-trip/export?format=safetensors").then().statusCode(200)
                .header("Content-Disposition", containsString("round-trip-epoch-0.safetensors"))
                .extract().asByteArray();
        Map<String, Safetensors.Tensor> again = Safetensors.read(exported, JSON).tensors();
        assertEquals(tensors.size(), again.size());
        for (Safetensors.Tensor tensor : tensors) {
            Safetensors.Tensor back = again.get(tensor.name());
            assertArrayEquals(tensor.shape(), back.shape(), tensor.name());
            if (tensor.f32() != null) {
                assertArrayEquals(tensor.f32(), back.f32(), tensor.name() + ": the same floats, bit for bit");
            }
        }

        JsonNode manifest = JSON.readTree(home().resolve("models/round-trip/checkpoints/epoch-0000.json").toFile());
        assertEquals(64, manifest.get("sha256").asText().length());
        assertEquals("model.safetensors", manifest.at("/spec/import/file").asText());
        assertEquals(file.length, manifest.at("/spec/import/bytes").asLong());

        upload(file, Map.of("name", "round-trip")).statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("round-trip"));
    }

    /** PyTorch's own model, saved by a user's script, answers through /predict as it does in PyTorch. */
    @ParameterizedTest
    @CsvSource({"resnet18, torchvision-import", "resnet18-cifar, cifar-import"})
    void aStateDictMadeByPytorchPredictsWhatPytorchDoes(String architecture, String name) throws Exception {
        SystemPython.require("torch, torchvision", "python3-torch python3-torchvision");
        Path dir = Files.createTempDirectory(Path.of("target"), "import-");
        var request = given();
        Path images = TorchComparison.images(dir, request);
        Path weights = dir.resolve("model.safetensors");
        JsonNode torch = SystemPython.run("torchvision_state_dict.py", weights, images, 10, architecture);

        upload(Files.readAllBytes(weights), Map.of("name", name, "architecture", architecture,
                "classes", String.join(",", LABELS))).statusCode(201).body("architecture", equalTo(architecture));
        JsonPath predicted = request.when().post("/predict?topk=10&model=" + name)
                .then().statusCode(200).extract().jsonPath();
        double worst = TorchComparison.largestDifference(predicted, torch.get("probabilities"), LABELS);
        System.out.printf("PyTorch's %s against /predict after import: largest probability difference %.2e%n",
                architecture, worst);
        assertTrue(worst < 1e-4, "largest probability difference between PyTorch and /predict: " + worst);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "wrong shape | fc.weight has shape [10, 256], expected [10, 512]",
            "missing key | missing key layer3.1.bn2.running_var",
            "extra key | unexpected key fc2.weight",
            "wrong dtype | bn1.num_batches_tracked is F32, expected I64",
            "not safetensors | not a safetensors file",
            "offsets past the end | data_offsets",
            "stem of the other architecture | conv1.weight's 3x3 kernel is another stem: set architecture to resnet18-cifar"})
    void aBrokenStateDictIs400NamingWhatIsWrong(String breakage, String detail) throws Exception {
        List<Safetensors.Tensor> tensors = new ArrayList<>(stateDict(Architecture.RESNET18, 10));
        Consumer<String> replace = name -> tensors.replaceAll(t -> t.name().equals(name) ? broken(t, breakage) : t);
        byte[] file = switch (breakage) {
            case "wrong shape" -> {
                replace.accept("fc.weight");
                yield safetensors(tensors, Map.of());
            }
            case "missing key" -> {
                tensors.removeIf(t -> t.name().equals("layer3.1.bn2.running_var"));
                yield safetensors(tensors, Map.of());
            }
            case "extra key" -> {
                tensors.add(Safetensors.Tensor.f32("fc2.weight", new long[] {2}, new float[2]));
                yield safetensors(tensors, Map.of());
            }
            case "wrong dtype" -> {
                replace.accept("bn1.num_batches_tracked");
                yield safetensors(tensors, Map.of());
            }
            case "not safetensors" -> TestImages.png(TestImages.solid(32, 32, 0));
            case "offsets past the end" -> {
                byte[] whole = safetensors(tensors, Map.of());
                yield java.util.Arrays.copyOf(whole, whole.length - 4);
            }
            default -> safetensors(stateDict(Architecture.RESNET18_CIFAR, 10), Map.of());
        };
        upload(file, Map.of("classes", String.join(",", LABELS))).statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("weights: "))
                .body("detail", containsString(detail));
    }

    private static Safetensors.Tensor broken(Safetensors.Tensor tensor, String breakage) {
        if (breakage.equals("wrong shape")) {
            return Safetensors.Tensor.f32(tensor.name(), new long[] {10, 256}, new float[10 * 256]);
        }
        return Safetensors.Tensor.f32(tensor.name(), new long[0], new float[] {0});
    }

    @Test
    void fieldsTheFileDoesNotAnswerAre400NamingTheField() throws Exception {
        byte[] file = safetensors(stateDict(Architecture.RESNET18, 10), Map.of());
        upload(file, Map.of()).statusCode(400).body("detail", containsString("classes: the file's metadata names no"
                + " classes")).body("detail", containsString("fc.weight has 10 rows"));
        upload(file, Map.of("classes", "a,b,c")).statusCode(400)
                .body("detail", containsString("classes: 3 labels, but fc.weight has 10 rows"));
        upload(file, Map.of("classes", String.join(",", LABELS), "mean", "0.5,0.5")).statusCode(400)
                .body("detail", containsString("mean: needs 3 comma-separated numbers"));
        upload(file, Map.of("classes", String.join(",", LABELS), "architecture", "vgg16")).statusCode(400)
                .body("detail", containsString("architecture: unknown model 'vgg16'"));
        upload(file, Map.of("classes", String.join(",", LABELS), "name", "20261205-120000-abcdef")).statusCode(400)
                .body("detail", containsString("name: '20261205-120000-abcdef' cannot name a model"));
        upload(file, Map.of("classes", String.join(",", LABELS), "name", "../etc")).statusCode(400)
                .body("detail", containsString("name: '../etc'"));
        given().multiPart("name", "no-file").post("/models").then().statusCode(400)
                .body("detail", containsString("weights: required"));
        Files.createDirectories(home().resolve("models"));
        assertEquals(List.of(), Files.list(home().resolve("models")).map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith(".import-")).toList(), "no staging folder is left behind");
        // The default name comes from the file's sha256, so the same file imported twice is noticed.
        String name = upload(file, Map.of("classes", String.join(",", LABELS))).statusCode(201).extract().path("name");
        assertTrue(name.matches("imported-[0-9a-f]{12}@0"), name);
        upload(file, Map.of("classes", String.join(",", LABELS))).statusCode(409);
    }
}
