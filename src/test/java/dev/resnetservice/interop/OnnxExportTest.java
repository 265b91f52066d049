package dev.resnetservice.interop;

import static dev.resnetservice.testdata.JobApi.data;
import static dev.resnetservice.testdata.JobApi.home;
import static dev.resnetservice.testdata.JobApi.tinyModel;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.data.Normalization;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.testdata.SystemPython;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
class OnnxExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IMAGES = 4;
    private static byte[] onnx;

    private static synchronized byte[] onnxFile() {
        if (onnx == null) {
            Response response = given().get("/models/" + tinyModel() + "/export?format=onnx");
            response.then().statusCode(200)
                    .header("Content-Disposition", containsString(tinyModel() + "-epoch-1.onnx"));
            onnx = response.asByteArray();
        }
        return onnx;
    }

    @Test
    void onnxRuntimeComputesTheServicesLogitsFromTheExport() throws Exception {
        Checkpoint checkpoint = newestCheckpoint();
        float[] images = normalisedTestImages(checkpoint.manifest().normalization());
        float[] service;
        try (NDManager manager = NDManager.newBaseManager()) {
            // The network /predict serves, loaded as ServedModel loads it.
            Block folded = new CheckpointStore(JSON).loadFolded(checkpoint, manager);
            service = Logits.djl(folded, manager, images, IMAGES);
        }
        try (OnnxRuntimeModel runtime = new OnnxRuntimeModel(onnxFile())) {
            float worst = Logits.largestDifference(service, runtime.logits(images, IMAGES));
            System.out.printf("ONNX Runtime against the service's folded network: largest logit difference %.2e%n",
                    worst);
            assertTrue(worst < 1e-4, "largest logit difference between ONNX Runtime and the service: " + worst);
        }
    }

    @Test
    void theExportTakesNormalisedImagesOfAnyBatchAndCarriesTheModelsMetadata() throws Exception {
        try (OnnxRuntimeModel runtime = new OnnxRuntimeModel(onnxFile())) {
            var session = runtime.session();
            assertEquals(List.of(OnnxModel.INPUT), List.copyOf(session.getInputNames()));
            assertEquals(List.of(OnnxModel.OUTPUT), List.copyOf(session.getOutputNames()));
            TensorInfo input = (TensorInfo) session.getInputInfo().get(OnnxModel.INPUT).getInfo();
            TensorInfo output = (TensorInfo) session.getOutputInfo().get(OnnxModel.OUTPUT).getInfo();
            assertArrayEquals(new long[] {-1, 3, 32, 32}, input.getShape());
            assertEquals("N", input.getDimensionNames()[0]);
            assertArrayEquals(new long[] {-1, 10}, output.getShape());
            assertEquals("N", output.getDimensionNames()[0]);

            Map<String, String> metadata = session.getMetadata().getCustomMetadata();
            assertEquals("resnet18", metadata.get("architecture"));
            assertEquals(Cifar10Reader.STANDARD_CLASSES, JSON.readValue(metadata.get("classes"), List.class));
            assertEquals(List.of(0.4914, 0.4822, 0.4465), JSON.readValue(metadata.get("mean"), List.class));
            assertEquals(List.of(0.2023, 0.1994, 0.2010), JSON.readValue(metadata.get("std"), List.class));
            JsonNode spec = JSON.readTree(metadata.get("spec"));
            assertEquals(1, spec.get("epochs").asInt());
            assertEquals("resnet18", spec.get("model").asText());
        }
    }

    /** The reference checker, as a user would run it: Debian's python3-onnx, full_check (shape inference too). */
    @Test
    void debiansOnnxCheckerAcceptsTheExport() throws Exception {
        SystemPython.require("onnx", "python3-onnx");
        Path file = Files.write(Files.createTempDirectory(Path.of("target"), "export-").resolve("model.onnx"),
                onnxFile());
        Process python = new ProcessBuilder(SystemPython.PATH, "-c",
                "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, python.waitFor(), "onnx.checker: " + output);
    }

    @Test
    void anUnknownFormatIsA400NamingEveryFormat() {
        given().get("/models/" + tinyModel() + "/export?format=tflite")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", allOf(containsString("format: 'tflite'"), containsString("safetensors"),
                        containsString("huggingface"), containsString("onnx")));
    }

    private static Checkpoint newestCheckpoint() throws Exception {
        List<Checkpoint> checkpoints = new CheckpointStore(JSON).list(home().resolve("jobs").resolve(tinyModel())
                .resolve("checkpoints"));
        return checkpoints.get(checkpoints.size() - 1);
    }

    private static float[] normalisedTestImages(Normalization normalization) {
        ImageStore test = Cifar10Reader.read(data()).test();
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        for (int i = 0; i < IMAGES; i++) {
            pixels.writeBytes(test.image(i));
        }
        return OnnxRuntimeModel.input(pixels.toByteArray(), normalization);
    }
}
