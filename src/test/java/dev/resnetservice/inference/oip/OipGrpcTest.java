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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.inference.oip.grpc.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.InferParameter;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.InferTensorContents;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelInferRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelInferRequest.InferInputTensor;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelInferRequest.InferRequestedOutputTensor;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelInferResponse;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelMetadataRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelMetadataResponse;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelReadyRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerLiveRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerMetadataRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerMetadataResponse;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerReadyRequest;
import dev.resnetservice.testdata.TestHome;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Conformance of the Open Inference Protocol's gRPC API, through a client generated from the same definition. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OipGrpcTest {

    private static final int IMAGE = 3;
    // Quarkus' client of the app's own gRPC server, on the free port it took (%test.quarkus.grpc.clients.oip)
    @GrpcClient("oip")
    GRPCInferenceServiceBlockingStub grpc;

    @Test
    @Order(1)
    void withoutAnyModelInferenceIsUnavailable() {
        assertStatus(Status.Code.UNAVAILABLE, "no model", () -> grpc.modelInfer(pixelsRaw("default", IMAGE)));
    }

    @Test
    void theServerIsLiveAndReadyAndNamesItsExtensions() {
        assertTrue(grpc.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(grpc.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        ServerMetadataResponse server = grpc.serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertEquals("resnet-service", server.getName());
        assertTrue(server.getExtensionsList().contains("classification"), server.getExtensionsList().toString());
    }

    @Test
    void modelMetadataGivesEveryInputAndOutputWithTheBatchAsMinusOne() {
        String job = tinyModel();
        ModelMetadataResponse model = grpc.modelMetadata(ModelMetadataRequest.newBuilder().setName(job).build());
        assertEquals(job, model.getName());
        assertEquals(List.of("1"), model.getVersionsList());
        assertEquals("djl_pytorch", model.getPlatform());
        Map<String, String> inputs = Map.of("pixels", "UINT8 [-1, 32, 32, 3]", "input", "FP32 [-1, 3, 32, 32]",
                "images", "BYTES [-1]");
        model.getInputsList().forEach(input ->
                assertEquals(inputs.get(input.getName()), input.getDatatype() + " " + input.getShapeList()));
        assertEquals(3, model.getInputsCount());
        assertEquals(List.of("probabilities", "logits"), model.getOutputsList().stream().map(o -> o.getName()).toList());
        assertEquals(List.of(-1L, 10L), model.getOutputs(0).getShapeList());
        ModelMetadataResponse byDefault = grpc.modelMetadata(ModelMetadataRequest.newBuilder().setName("default")
                .setVersion("1").build());
        assertEquals(job, byDefault.getName());
    }

    @Test
    void aModelAndItsVersionAreReady() {
        String job = tinyModel();
        assertTrue(grpc.modelReady(ModelReadyRequest.newBuilder().setName(job).build()).getReady());
        assertTrue(grpc.modelReady(ModelReadyRequest.newBuilder().setName(job).setVersion("1").build()).getReady());
    }

    @Test
    void unknownModelsAndVersionsAreNotFound() {
        String job = tinyModel();
        assertStatus(Status.Code.NOT_FOUND, "no model named", () -> grpc.modelInfer(pixelsRaw("nonsense", IMAGE)));
        assertStatus(Status.Code.NOT_FOUND, "no version '7'",
                () -> grpc.modelInfer(pixelsRaw(job, IMAGE).toBuilder().setModelVersion("7").build()));
        assertStatus(Status.Code.NOT_FOUND, "no version",
                () -> grpc.modelMetadata(ModelMetadataRequest.newBuilder().setName(job).setVersion("x").build()));
        assertStatus(Status.Code.NOT_FOUND, "no model named",
                () -> grpc.modelReady(ModelReadyRequest.newBuilder().setName("20261126-180530-abcdef").build()));
    }

    /** /predict, OIP REST and every gRPC input form: one image, one set of probabilities. */
    @Test
    void theSameImageGivesTheSameProbabilitiesThroughPredictRestAndGrpc() {
        String job = tinyModel();
        byte[] file = png(record(Cifar10Reader.read(data()).test(), IMAGE));
        JsonPath viaPredict = given().contentType("image/png").body(file).when().post("/predict?topk=10")
                .then().statusCode(200).extract().jsonPath();
        float[] expected = new float[10];
        for (int k = 0; k < 10; k++) {
            expected[viaPredict.getInt("predictions[0].top[" + k + "].index")] =
                    viaPredict.getFloat("predictions[0].top[" + k + "].probability");
        }
        byte[] pixels = hwc(IMAGE);
        List<Float> viaRest = given().contentType("application/json").body(Map.of("inputs", List.of(Map.of(
                        "name", "pixels", "datatype", "UINT8", "shape", List.of(1, 32, 32, 3),
                        "data", IntStream.range(0, pixels.length).map(i -> pixels[i] & 0xff).toArray()))))
                .when().post("/v2/models/" + job + "/infer").then().statusCode(200).extract().jsonPath()
                .getList("outputs.find { it.name == 'probabilities' }.data", Float.class);
        float[] rest = new float[10];
        IntStream.range(0, 10).forEach(i -> rest[i] = viaRest.get(i));
        assertArrayEquals(expected, rest, 1e-6f, "OIP REST");

        InferTensorContents.Builder uints = InferTensorContents.newBuilder();
        for (byte value : pixels) {
            uints.addUintContents(value & 0xff);
        }
        InferTensorContents.Builder floats = InferTensorContents.newBuilder();
        for (float value : normalizedValues(IMAGE, job)) {
            floats.addFp32Contents(value);
        }
        Map<String, ModelInferRequest> requests = Map.of(
                "pixels raw", pixelsRaw(job, IMAGE),
                "pixels contents", infer(job, input("pixels", "UINT8", 1, 32, 32, 3).setContents(uints)),
                "input raw", infer(job, input("input", "FP32", 1, 3, 32, 32),
                        littleEndian(normalizedValues(IMAGE, job))),
                "input contents", infer(job, input("input", "FP32", 1, 3, 32, 32).setContents(floats)),
                "images raw", infer(job, input("images", "BYTES", 1), element(file)),
                "images contents", infer(job, input("images", "BYTES", 1)
                        .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFrom(file)))));
        requests.forEach((form, request) -> assertArrayEquals(expected, probabilities(grpc.modelInfer(request)), 1e-6f, form));
    }

    @Test
    void aBatchGivesOneRowPerImageAndTheNamesAndIdComeBack() {
        String job = tinyModel();
        byte[] three = hwcBatch(3);
        ModelInferResponse answer = grpc.modelInfer(infer(job, input("pixels", "UINT8", 3, 32, 32, 3), three).toBuilder()
                .setId("request-42").setModelName("default")
                .addOutputs(InferRequestedOutputTensor.newBuilder().setName("logits")).build());
        assertEquals("request-42", answer.getId());
        assertEquals(job, answer.getModelName());
        assertEquals("1", answer.getModelVersion());
        assertEquals(1, answer.getOutputsCount(), "only the output asked for");
        assertEquals("logits", answer.getOutputs(0).getName());
        assertEquals("FP32", answer.getOutputs(0).getDatatype());
        assertEquals(List.of(3L, 10L), answer.getOutputs(0).getShapeList());
        assertEquals(3 * 10 * 4, answer.getRawOutputContents(0).size());
    }

    @Test
    void theClassificationExtensionGivesTheTopKAsStrings() {
        String job = tinyModel();
        float[] probabilities = probabilities(grpc.modelInfer(pixelsRaw(job, IMAGE)));
        ModelInferResponse answer = grpc.modelInfer(pixelsRaw(job, IMAGE).toBuilder()
                .addOutputs(InferRequestedOutputTensor.newBuilder().setName("probabilities")
                        .putParameters("classification", InferParameter.newBuilder().setInt64Param(3).build()))
                .build());
        assertEquals("BYTES", answer.getOutputs(0).getDatatype());
        assertEquals(List.of(1L, 3L), answer.getOutputs(0).getShapeList());
        ByteBuffer raw = answer.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int best = IntStream.range(0, 10).boxed().max((a, b) -> Float.compare(probabilities[a], probabilities[b])).orElseThrow();
        byte[] first = new byte[raw.getInt()];
        raw.get(first);
        String[] parts = new String(first, StandardCharsets.UTF_8).split(":");
        assertEquals(probabilities[best], Float.parseFloat(parts[0]), 0f);
        assertEquals(best, Integer.parseInt(parts[1]));
    }

    @Test
    void aBadShapeDatatypeOrContentIsInvalidArgument() {
        String job = tinyModel();
        Map<String, ModelInferRequest> bad = Map.of(
                "UINT8", infer(job, input("pixels", "FP32", 1, 32, 32, 3), hwc(IMAGE)),
                "takes shape [N,32,32,3]", infer(job, input("pixels", "UINT8", 1, 3, 32, 32), hwc(IMAGE)),
                "is 3072 bytes of UINT8, but raw_input_contents[0] is 100", infer(job, input("pixels", "UINT8", 1, 32, 32, 3), new byte[100]),
                "unknown input", infer(job, input("image", "BYTES", 1), element(new byte[] {1})),
                "one input per request", pixelsRaw(job, IMAGE).toBuilder().addInputs(input("input", "FP32", 1, 3, 32, 32)).build(),
                "uint_contents has 0", infer(job, input("pixels", "UINT8", 1, 32, 32, 3)),
                "no input's contents", pixelsRaw(job, IMAGE).toBuilder().setInputs(0, input("pixels", "UINT8", 1, 32, 32, 3)
                        .setContents(InferTensorContents.newBuilder().addUintContents(1))).build(),
                "images[0]", infer(job, input("images", "BYTES", 1), element("notes".getBytes(StandardCharsets.UTF_8))),
                "between 1 and 10", pixelsRaw(job, IMAGE).toBuilder().addOutputs(InferRequestedOutputTensor.newBuilder()
                        .setName("logits").putParameters("classification", InferParameter.newBuilder().setInt64Param(1L << 32).build())).build(),
                "unknown output", pixelsRaw(job, IMAGE).toBuilder()
                        .addOutputs(InferRequestedOutputTensor.newBuilder().setName("scores")).build());
        bad.forEach((says, request) -> assertStatus(Status.Code.INVALID_ARGUMENT, says, () -> grpc.modelInfer(request)));
    }

    @Test
    void moreImagesThanTheLimitIsResourceExhausted() {
        assertStatus(Status.Code.RESOURCE_EXHAUSTED, "the limit is 64",
                () -> grpc.modelInfer(infer(tinyModel(), input("pixels", "UINT8", 65, 32, 32, 3), new byte[0])));
    }

    @Test
    void predictionsAreCountedAsOipGrpc() {
        grpc.modelInfer(pixelsRaw(tinyModel(), IMAGE));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("resnet_predictions_total{outcome=\"success\",protocol=\"oip-grpc\"}"),
                metrics.lines().filter(line -> line.startsWith("resnet_predict")).toList().toString());
        assertTrue(metrics.contains("resnet_predict_seconds_count{protocol=\"oip-grpc\"}"));
    }

    // ---- requests and answers -----------------------------------------------------------------

    static ModelInferRequest pixelsRaw(String model, int index) {
        return infer(model, input("pixels", "UINT8", 1, 32, 32, 3), hwc(index));
    }

    static InferInputTensor.Builder input(String name, String datatype, long... shape) {
        InferInputTensor.Builder input = InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
        for (long dimension : shape) {
            input.addShape(dimension);
        }
        return input;
    }

    private static ModelInferRequest infer(String model, InferInputTensor.Builder input, byte[] raw) {
        return infer(model, input).toBuilder().addRawInputContents(ByteString.copyFrom(raw)).build();
    }

    private static ModelInferRequest infer(String model, InferInputTensor.Builder input) {
        return ModelInferRequest.newBuilder().setModelName(model).addInputs(input).build();
    }

    /** A BYTES element as raw contents carry it: a 4-byte little-endian length, then the bytes. */
    private static byte[] element(byte[] bytes) {
        return ByteBuffer.allocate(4 + bytes.length).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).put(bytes).array();
    }

    private static float[] probabilities(ModelInferResponse answer) {
        for (int i = 0; i < answer.getOutputsCount(); i++) {
            if (answer.getOutputs(i).getName().equals("probabilities")) {
                ByteBuffer raw = answer.getRawOutputContents(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                float[] values = new float[raw.remaining() / 4];
                raw.asFloatBuffer().get(values);
                return values;
            }
        }
        throw new AssertionError("no probabilities in " + answer);
    }

    static void assertStatus(Status.Code code, String says, Runnable call) {
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call::run, says);
        assertEquals(code, failure.getStatus().getCode(), failure.getStatus().toString());
        assertTrue(String.valueOf(failure.getStatus().getDescription()).contains(says), failure.getStatus().toString());
    }
}
