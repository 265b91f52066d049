package dev.resnetservice.interop;

import static dev.resnetservice.testdata.JobApi.tinyModel;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.testdata.SystemPython;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
class ModelExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** torchvision's resnet18 state_dict keys, in its order, written from models/resnet.py. */
    static List<String> torchvisionKeys() {
        List<String> keys = new ArrayList<>();
        convBn(keys, "conv1", "bn1");
        for (int layer = 1; layer <= 4; layer++) {
            for (int block = 0; block < 2; block++) {
                String prefix = "layer" + layer + "." + block + ".";
                convBn(keys, prefix + "conv1", prefix + "bn1");
                convBn(keys, prefix + "conv2", prefix + "bn2");
                if (layer > 1 && block == 0) {
                    convBn(keys, prefix + "downsample.0", prefix + "downsample.1");
                }
            }
        }
        keys.add("fc.weight");
        keys.add("fc.bias");
        return keys;
    }

    private static void convBn(List<String> keys, String conv, String bn) {
        keys.add(conv + ".weight");
        for (String name : List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked")) {
            keys.add(bn + "." + name);
        }
    }

    @Test
    void safetensorsHoldTorchvisionsStateDictWithTheModelsMetadata() throws Exception {
        Response response = given().get("/models/" + tinyModel() + "/export?format=safetensors");
        response.then().statusCode(200)
                .header("Content-Disposition", containsString(tinyModel() + "-epoch-1.safetensors"));
        byte[] file = response.asByteArray();
        long length = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, length % 8, "header padded to 8 bytes");
        JsonNode header = JSON.readTree(new String(file, 8, (int) length, StandardCharsets.UTF_8));

        List<String> names = new ArrayList<>();
        header.fieldNames().forEachRemaining(names::add);
        assertEquals("__metadata__", names.remove(0));
        assertEquals(torchvisionKeys(), names);
        assertEquals("[64,3,7,7]", header.get("conv1.weight").get("shape").toString());
        assertEquals("[128,64,1,1]", header.get("layer2.0.downsample.0.weight").get("shape").toString());
        assertEquals("[512,512,3,3]", header.get("layer4.1.conv2.weight").get("shape").toString());
        assertEquals("[10,512]", header.get("fc.weight").get("shape").toString());
        assertEquals("I64", header.get("bn1.num_batches_tracked").get("dtype").asText());
        assertEquals("[]", header.get("bn1.num_batches_tracked").get("shape").toString());
        long end = 0;
        for (Iterator<String> it = names.iterator(); it.hasNext(); ) {
            JsonNode offsets = header.get(it.next()).get("data_offsets");
            assertEquals(end, offsets.get(0).asLong(), "tensors follow each other");
            end = offsets.get(1).asLong();
        }
        assertEquals(file.length, 8 + length + end);
        JsonNode metadata = header.get("__metadata__");
        assertEquals("pt", metadata.get("format").asText());
        assertEquals("resnet18", metadata.get("architecture").asText());
        assertEquals(Cifar10Reader.STANDARD_CLASSES, JSON.readValue(metadata.get("classes").asText(), List.class));

        given().get("/models/default/export?format=safetensors").then().statusCode(200)
                .header("Content-Disposition", containsString(".safetensors"));
        given().get("/models/" + tinyModel() + "/export?format=pickle")
                .then().statusCode(400).body("detail", containsString("format: 'pickle'"));
        given().get("/models/20261205-000000-nosuch/export").then().statusCode(404);
    }

    @Test
    void theHuggingFaceZipHoldsTheSafetensorsAndTimmsConfig() throws Exception {
        byte[] safetensors = given().get("/models/" + tinyModel() + "/export?format=safetensors").asByteArray();
        Response response = given().get("/models/" + tinyModel() + "/export?format=huggingface");
        response.then().statusCode(200)
                .header("Content-Disposition", containsString(tinyModel() + "-epoch-1-huggingface.zip"));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(response.asByteArray()))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        assertEquals(List.of("model.safetensors", "config.json"), List.copyOf(entries.keySet()));
        assertTrue(Arrays.equals(safetensors, entries.get("model.safetensors")), "the same weights");
        JsonNode config = JSON.readTree(entries.get("config.json"));
        assertEquals("resnet18", config.get("architecture").asText());
        assertEquals(10, config.get("num_classes").asInt());
        assertEquals(Cifar10Reader.STANDARD_CLASSES, JSON.convertValue(config.get("label_names"), List.class));
        assertEquals("[3,32,32]", config.get("pretrained_cfg").get("input_size").toString());
        assertEquals(0.4914, config.get("pretrained_cfg").get("mean").get(0).asDouble(), 1e-9);
        assertEquals("fc", config.get("pretrained_cfg").get("classifier").asText());
    }

    /** The real consumer: Debian's python3-torch and python3-torchvision, as a user would load the file. */
    @Test
    void torchvisionLoadsTheExportStrictlyAndPredictsWhatPredictDoes() throws Exception {
        SystemPython.require("torch, torchvision", "python3-torch python3-torchvision");
        Path dir = Files.createTempDirectory(Path.of("target"), "export-");
        Path weights = Files.write(dir.resolve("model.safetensors"),
                given().get("/models/" + tinyModel() + "/export").then().statusCode(200).extract().asByteArray());
        var request = given();
        Path images = TorchComparison.images(dir, request);
        JsonPath predicted = request.when().post("/predict?topk=10&model=" + tinyModel())
                .then().statusCode(200).extract().jsonPath();

        JsonNode torch = SystemPython.run("torchvision_probabilities.py", weights, images);
        assertEquals(122, torch.get("keys").asInt());
        List<String> classes = JSON.convertValue(torch.get("classes"), List.class);
        double worst = TorchComparison.largestDifference(predicted, torch.get("probabilities"), classes);
        System.out.printf("torchvision against /predict: largest probability difference %.2e%n", worst);
        assertTrue(worst < 1e-4, "largest probability difference between torchvision and /predict: " + worst);
    }
}
