package dev.resnetservice.inference.oip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.ResnetConfig;
import dev.resnetservice.inference.BatchingPredictor;
import dev.resnetservice.inference.DecodedImage;
import dev.resnetservice.inference.ImageInput;
import dev.resnetservice.inference.ImageRejectedException;
import dev.resnetservice.inference.ImageScores;
import dev.resnetservice.inference.ImageUpload;
import dev.resnetservice.inference.ModelCatalog;
import dev.resnetservice.inference.TooManyImagesException;
import dev.resnetservice.inference.UploadDecoder;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.observability.PredictionMetrics;
import dev.resnetservice.observability.PredictionMetrics.Protocol;
import dev.resnetservice.observability.ServiceReadiness;
import dev.resnetservice.web.InvalidRequestException;
import dev.resnetservice.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The Open Inference Protocol (KServe V2) over our models: a model is a job id, an imported
 * model's name or {@code default}; its versions are the epochs with a checkpoint. Inference
 * takes the same queue, limits and metrics as /predict.
 */
@ApplicationScoped
public class OipService {

    static final List<String> EXTENSIONS = List.of("binary_tensor_data", "classification");
    private static final String PLATFORM = "djl_pytorch";

    private final ModelCatalog catalog;
    private final BatchingPredictor predictor;
    private final UploadDecoder decoder;
    private final ServiceReadiness readiness;
    private final PredictionMetrics metrics;
    private final ObjectMapper mapper;
    private final int maxImages;

    public OipService(ModelCatalog catalog, BatchingPredictor predictor, UploadDecoder decoder,
            @Readiness ServiceReadiness readiness, PredictionMetrics metrics, ObjectMapper mapper, ResnetConfig config) {
        this.catalog = catalog;
        this.predictor = predictor;
        this.decoder = decoder;
        this.readiness = readiness;
        this.metrics = metrics;
        this.mapper = mapper;
        this.maxImages = config.predict().maxImages();
    }

    public ServerMetadata server() {
        String version = ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class)
                .orElse("unknown");
        return new ServerMetadata("resnet-service", version, EXTENSIONS);
    }

    /** Ready as /q/health/ready is (engine loaded, home writable); a model is ready on its own endpoint. */
    public boolean ready() {
        return readiness.call().getStatus() == HealthCheckResponse.Status.UP;
    }

    /** @param version an epoch, or null for the model's newest */
    public ModelMetadata metadata(String model, String version) {
        Checkpoint checkpoint = resolve(model, version);
        var manifest = checkpoint.manifest();
        int classes = manifest.classes().size();
        return new ModelMetadata(catalog.ownerOf(checkpoint), versions(checkpoint), PLATFORM,
                Arrays.stream(InputKind.values()).map(InputKind::metadata).toList(),
                Arrays.stream(OutputKind.values()).map(kind -> kind.metadata(classes)).toList(),
                new ModelMetadata.ModelParameters(manifest.normalization().mean(), manifest.normalization().std(),
                        manifest.classes()));
    }

    /** Ready when its checkpoint is there and valid: it is loaded on its first request. */
    public Health.ModelReady modelReady(String model, String version) {
        return new Health.ModelReady(catalog.ownerOf(resolve(model, version)), true);
    }

    public InferenceAnswer infer(String model, String version, String headerLength, byte[] body) {
        return metrics.record(Protocol.OIP_REST, 1, () -> answer(model, version, headerLength, body),
                InferenceAnswer::images);
    }

    private InferenceAnswer answer(String model, String version, String headerLength, byte[] body) {
        Checkpoint checkpoint = resolve(model, version);
        InferenceBody split = InferenceBody.of(body, headerLength);
        InferenceRequest request = parse(split.json());
        List<OutputTensor> outputs = run(checkpoint, request, count -> new InputValues(request.input(), split.binary(), count));
        return write(checkpoint, request, outputs, outputs.get(0).shape().get(0).intValue());
    }

    /**
     * Inference as every protocol runs it, once the request is read: the image limit, the batching
     * queue, the outputs asked for. {@code values} gets how many values the input's shape holds.
     */
    List<OutputTensor> run(Checkpoint checkpoint, InferenceRequest request, IntFunction<TensorValues> values) {
        InferenceRequest.Input input = request.input();
        int count = input.kind().batch(input.shape());
        if (count > maxImages) {
            throw new TooManyImagesException(count, maxImages, "inputs.shape");
        }
        List<String> classes = checkpoint.manifest().classes();
        request.outputs().forEach(output -> output.classification(classes.size()));
        TensorValues read = values.apply(count * input.kind().valuesPerImage());
        List<ImageScores> scores = predictor.scores(checkpoint, images(input.kind(), read, count));
        return request.outputs().stream().map(output -> tensor(output, scores, classes)).toList();
    }

    /** Times an inference of another protocol and counts its images, as /predict's are. */
    <T> T record(Protocol protocol, Supplier<T> work, ToIntFunction<T> images) {
        return metrics.record(protocol, 1, work, images);
    }

    /** The name a protocol answers with: the job's id or the imported model's name, never {@code default}. */
    String nameOf(Checkpoint checkpoint) {
        return catalog.ownerOf(checkpoint);
    }

    /** A version is an epoch of the model the name means; {@code default} means the served model's job. */
    Checkpoint resolve(String model, String version) {
        Checkpoint newest = catalog.resolve(model);
        if (version == null) {
            return newest;
        }
        return catalog.epochsBeside(newest).stream().filter(c -> Integer.toString(c.epoch()).equals(version))
                .findFirst()
                .orElseThrow(() -> new VersionNotFoundException(catalog.ownerOf(newest), version, versions(newest)));
    }

    private List<String> versions(Checkpoint checkpoint) {
        return catalog.epochsBeside(checkpoint).stream().map(c -> Integer.toString(c.epoch())).toList();
    }

    private InferenceRequest parse(byte[] json) {
        try {
            return mapper.readValue(json, InferenceRequest.class);
        } catch (JsonProcessingException e) {
            // A rule broken in a record's constructor arrives wrapped; it names its field itself.
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ProblemException problem) {
                    throw problem;
                }
            }
            throw new InvalidRequestException("body", "not an inference request: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array failed", e);
        }
    }

    /** The batch as the network takes it: CHW, pixels or normalised values. */
    private List<ImageInput> images(InputKind kind, TensorValues values, int count) {
        return switch (kind) {
            case PIXELS -> {
                byte[] hwc = values.uint8();
                yield IntStream.range(0, count).mapToObj(i -> ImageInput.pixels(chw(hwc, i))).toList();
            }
            case INPUT -> {
                float[] chw = values.fp32();
                for (int i = 0; i < chw.length; i++) {
                    if (!Float.isFinite(chw[i])) {
                        throw new InvalidRequestException("inputs.data", "FP32 value " + i + " is " + chw[i]);
                    }
                }
                int size = kind.valuesPerImage();
                yield IntStream.range(0, count)
                        .mapToObj(i -> ImageInput.normalized(Arrays.copyOfRange(chw, i * size, (i + 1) * size))).toList();
            }
            case IMAGES -> {
                List<byte[]> files = values.bytes();
                List<ImageUpload> uploads = IntStream.range(0, count)
                        .mapToObj(i -> new ImageUpload("images[" + i + "]", files.get(i))).toList();
                yield decode(uploads).stream().map(ImageInput::pixels).toList();
            }
        };
    }

    /** Decoded as /predict decodes; an element that is no image is a bad request here, as the protocol has it. */
    private List<byte[]> decode(List<ImageUpload> uploads) {
        try {
            return decoder.decode(uploads).stream().map(DecodedImage::pixels).toList();
        } catch (ImageRejectedException e) {
            throw e.status() == 415 ? new InvalidRequestException("inputs.data", e.getMessage()) : e;
        }
    }

    /** Image {@code index} of an NHWC uint8 batch, as CHW. */
    private static byte[] chw(byte[] hwc, int index) {
        int plane = 32 * 32;
        byte[] image = new byte[3 * plane];
        int offset = index * image.length;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                image[c * plane + p] = hwc[offset + p * 3 + c];
            }
        }
        return image;
    }

    private static OutputTensor tensor(InferenceRequest.Output output, List<ImageScores> scores, List<String> classes) {
        long n = scores.size();
        Integer k = output.classification(classes.size());
        if (k == null) {
            float[] values = new float[scores.size() * classes.size()];
            for (int i = 0; i < scores.size(); i++) {
                System.arraycopy(output.kind().values.apply(scores.get(i)), 0, values, i * classes.size(), classes.size());
            }
            return new OutputTensor(output.name(), List.of(n, (long) classes.size()), values, null);
        }
        List<String> top = new ArrayList<>();
        for (ImageScores score : scores) {
            float[] values = output.kind().values.apply(score);
            IntStream.range(0, values.length).boxed()
                    .sorted(Comparator.comparingDouble(i -> -values[i])).limit(k)
                    .forEach(i -> top.add(values[i] + ":" + i + ":" + classes.get(i)));
        }
        return new OutputTensor(output.name(), List.of(n, (long) k), null, top);
    }

    /** JSON, or a JSON header and the binary outputs after it, in the order asked for. */
    private InferenceAnswer write(Checkpoint checkpoint, InferenceRequest request, List<OutputTensor> outputs, int count) {
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        List<InferenceResponse.Output> described = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            OutputTensor tensor = outputs.get(i);
            if (request.binary(request.outputs().get(i))) {
                byte[] bytes = tensor.binary();
                binary.writeBytes(bytes);
                described.add(new InferenceResponse.Output(tensor.name(), tensor.datatype(), tensor.shape(),
                        Parameters.binarySize(bytes.length), null));
            } else {
                described.add(new InferenceResponse.Output(tensor.name(), tensor.datatype(), tensor.shape(), null,
                        tensor.json()));
            }
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(new InferenceResponse(catalog.ownerOf(checkpoint),
                    Integer.toString(checkpoint.epoch()), request.id(), described));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an inference answer", e);
        }
        if (binary.size() == 0) {
            return new InferenceAnswer(json, null, count);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(json.length + binary.size());
        body.writeBytes(json);
        body.writeBytes(binary.toByteArray());
        return new InferenceAnswer(body.toByteArray(), json.length, count);
    }
}
