package dev.resnetservice.inference.oip;

import com.google.protobuf.UnsafeByteOperations;
import dev.resnetservice.inference.oip.grpc.GRPCInferenceService;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.InferParameter;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelInferRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelInferResponse;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelMetadataRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelMetadataResponse;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelReadyRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelReadyResponse;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerLiveRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerLiveResponse;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerMetadataRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerMetadataResponse;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerReadyRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerReadyResponse;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.observability.PredictionMetrics.Protocol;
import dev.resnetservice.web.InvalidRequestException;
import dev.resnetservice.web.ProblemException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The Open Inference Protocol over gRPC ({@code inference.GRPCInferenceService}, on its own port):
 * the REST endpoints' service behind another wire, so names, versions, limits, the batching queue
 * and the metrics are theirs. Failures are call statuses: NOT_FOUND, INVALID_ARGUMENT, ...
 */
@GrpcService
public class OipGrpcService implements GRPCInferenceService {

    private static final Logger LOG = Logger.getLogger(OipGrpcService.class);

    private final OipService oip;

    public OipGrpcService(OipService oip) {
        this.oip = oip;
    }

    @Override
    public Uni<ServerLiveResponse> serverLive(ServerLiveRequest request) {
        return Uni.createFrom().item(ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    @Blocking
    public Uni<ServerReadyResponse> serverReady(ServerReadyRequest request) {
        return answer(() -> ServerReadyResponse.newBuilder().setReady(oip.ready()).build());
    }

    @Override
    @Blocking
    public Uni<ModelReadyResponse> modelReady(ModelReadyRequest request) {
        return answer(() -> ModelReadyResponse.newBuilder()
                .setReady(oip.modelReady(request.getName(), version(request.getVersion())).ready()).build());
    }

    @Override
    public Uni<ServerMetadataResponse> serverMetadata(ServerMetadataRequest request) {
        ServerMetadata server = oip.server();
        return Uni.createFrom().item(ServerMetadataResponse.newBuilder().setName(server.name())
                .setVersion(server.version()).addAllExtensions(server.extensions()).build());
    }

    @Override
    @Blocking
    public Uni<ModelMetadataResponse> modelMetadata(ModelMetadataRequest request) {
        return answer(() -> {
            ModelMetadata model = oip.metadata(request.getName(), version(request.getVersion()));
            return ModelMetadataResponse.newBuilder().setName(model.name()).addAllVersions(model.versions())
                    .setPlatform(model.platform()).addAllInputs(tensors(model.inputs()))
                    .addAllOutputs(tensors(model.outputs())).build();
        });
    }

    @Override
    @Blocking
    public Uni<ModelInferResponse> modelInfer(ModelInferRequest request) {
        return answer(() -> oip.record(Protocol.OIP_GRPC, () -> infer(request),
                response -> (int) response.getOutputs(0).getShape(0)));
    }

    /** Outputs always come back in raw_output_contents, the compact form every client reads. */
    private ModelInferResponse infer(ModelInferRequest grpc) {
        Checkpoint checkpoint = oip.resolve(grpc.getModelName(), version(grpc.getModelVersion()));
        InferenceRequest request = new InferenceRequest(grpc.getId(), null,
                grpc.getInputsList().stream().map(input -> new InferenceRequest.Input(input.getName(),
                        input.getShapeList(), input.getDatatype(), null, null)).toList(),
                grpc.getOutputsList().stream().map(output -> new InferenceRequest.Output(output.getName(),
                        parameters(output.getParametersMap()))).toList());
        List<OutputTensor> outputs = oip.run(checkpoint, request, count -> values(grpc, request.input(), count));
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder().setModelName(oip.nameOf(checkpoint))
                .setModelVersion(Integer.toString(checkpoint.epoch())).setId(grpc.getId());
        for (OutputTensor output : outputs) {
            response.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName(output.name())
                    .setDatatype(output.datatype()).addAllShape(output.shape()));
            // Never written to after this, so the bytes need no defensive copy.
            response.addRawOutputContents(UnsafeByteOperations.unsafeWrap(output.binary()));
        }
        return response.build();
    }

    private static TensorValues values(ModelInferRequest grpc, InferenceRequest.Input input, int count) {
        boolean typed = grpc.getInputs(0).hasContents();
        if (grpc.getRawInputContentsCount() == 0) {
            return new ContentsValues(grpc.getInputs(0).getContents(), input, count);
        }
        if (typed || grpc.getRawInputContentsCount() != 1) {
            throw new InvalidRequestException("raw_input_contents", "give one entry per input (this request has "
                    + grpc.getRawInputContentsCount() + ") and then no input's contents");
        }
        return new RawValues(grpc.getRawInputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN), input,
                count, "raw_input_contents", "raw_input_contents[0]");
    }

    /** The classification extension's k, an int64 parameter; the others are ignored, as over REST. */
    private static Parameters parameters(Map<String, InferParameter> parameters) {
        InferParameter k = parameters.get("classification");
        if (k == null) {
            return null;
        }
        if (k.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM) {
            throw new InvalidRequestException("outputs.parameters.classification", "an int64_param, got "
                    + k.getParameterChoiceCase());
        }
        // Clamped, so a huge k is refused as too large rather than wrapped into range.
        int top = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, k.getInt64Param()));
        return new Parameters(null, null, top, null);
    }

    private static List<ModelMetadataResponse.TensorMetadata> tensors(List<TensorMetadata> tensors) {
        return tensors.stream().map(tensor -> ModelMetadataResponse.TensorMetadata.newBuilder().setName(tensor.name())
                .setDatatype(tensor.datatype()).addAllShape(tensor.shape()).build()).toList();
    }

    /** The protocol's empty version means "the server picks": the newest epoch. */
    private static String version(String version) {
        return version.isEmpty() ? null : version;
    }

    private static <T> Uni<T> answer(Supplier<T> work) {
        return Uni.createFrom().item(work).onFailure().transform(OipGrpcService::status);
    }

    /** A problem's HTTP status as the gRPC code that means the same; anything else is INTERNAL, logged here. */
    static StatusRuntimeException status(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        if (!(failure instanceof ProblemException problem)) {
            LOG.error("gRPC inference call failed", failure);
            return Status.INTERNAL.withDescription("internal error; the service's log has the details").asRuntimeException();
        }
        Status code = switch (problem.status()) {
            case 401 -> Status.UNAUTHENTICATED;
            case 404 -> Status.NOT_FOUND;
            // gRPC itself answers a message over its size limit so.
            case 413, 429 -> Status.RESOURCE_EXHAUSTED;
            case 503 -> Status.UNAVAILABLE;
            default -> problem.status() < 500 ? Status.INVALID_ARGUMENT : Status.INTERNAL;
        };
        return code.withDescription(problem.getMessage()).asRuntimeException();
    }
}
