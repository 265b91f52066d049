package dev.resnetservice.interop;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.resnetservice.ResnetConfig;
import dev.resnetservice.data.Normalization;
import dev.resnetservice.inference.ModelCatalog;
import dev.resnetservice.inference.ModelInfo;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.model.ModelCard;
import dev.resnetservice.model.ResNet18;
import dev.resnetservice.storage.Folders;
import dev.resnetservice.web.InvalidRequestException;
import dev.resnetservice.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * POST /models: a torchvision resnet18 state_dict in safetensors, checked as strictly as
 * {@code load_state_dict(strict=True)}, stored as an epoch-0 checkpoint with its sha256 manifest
 * under {@code <home>/models/<name>}, from where /predict serves it and the exports write it again.
 * What the file's metadata lacks (architecture, classes, mean, std: the metadata our own export
 * writes) comes from the request, with CIFAR-10's statistics and torchvision's stem as defaults.
 */
@ApplicationScoped
public class ModelImport {

    private static final Logger LOG = Logger.getLogger(ModelImport.class);

    /** The request's fields, each null when not given. */
    public record Request(String name, String architecture, String classes, String mean, String std, String fileName) {
    }

    private final ModelCatalog catalog;
    private final CheckpointStore checkpoints;
    private final ObjectMapper mapper;
    private final long maxBytes;

    public ModelImport(ModelCatalog catalog, ObjectMapper mapper, ResnetConfig config) {
        this.catalog = catalog;
        this.checkpoints = new CheckpointStore(mapper);
        this.mapper = mapper;
        this.maxBytes = config.models().maxImport().asLongValue();
    }

    public ModelInfo importWeights(Path weights, Request request) throws IOException {
        long size = Files.size(weights);
        if (size > maxBytes) {
            throw ProblemException.tooLarge("weights", size, maxBytes, "resnet.models.max-import");
        }
        byte[] file = Files.readAllBytes(weights);
        Safetensors.Contents contents;
        try {
            contents = Safetensors.read(file, mapper);
        } catch (Safetensors.FormatException e) {
            throw new InvalidRequestException("weights", e.getMessage());
        }
        String sha256 = CheckpointStore.sha256Of(weights);
        String name = Optional.ofNullable(request.name()).orElse("imported-" + sha256.substring(0, 12));
        if (!ModelCatalog.validImportName(name)) {
            throw new InvalidRequestException("name", "'" + name + "' cannot name a model: 1 to 63 of a-z, 0-9, '-' and"
                    + " '_', starting with a letter or digit, neither 'default' nor a job id's form");
        }
        Path target = catalog.importedCheckpoints(name).getParent();
        if (Files.exists(target)) {
            throw exists(name);
        }
        Map<String, String> metadata = contents.metadata();
        Architecture architecture = architecture(given(request.architecture(), metadata.get("architecture")));
        List<String> classes = classes(request.classes(), metadata.get("classes"), contents.tensors().get("fc.weight"));
        Normalization normalization = new Normalization(
                channels("mean", request.mean(), metadata.get("mean"), Normalization.cifar10().mean(), 0),
                channels("std", request.std(), metadata.get("std"), Normalization.cifar10().std(), Double.MIN_VALUE));

        Path staging = Files.createTempDirectory(Files.createDirectories(catalog.importedDir()), ".import-");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = ResNet18.build(architecture, classes.size());
            ResNet18.initialize(block, manager);
            try {
                TorchvisionStateDict.load(block, contents.tensors());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("weights", e.getMessage() + " (torchvision's " + architecture.id()
                        + " with " + classes.size() + " classes" + stemHint(architecture, contents) + ")");
            }
            ModelCard card = new ModelCard(architecture, classes, normalization, false,
                    origin(request, sha256, size, metadata));
            Files.createDirectories(staging.resolve("checkpoints"));
            checkpoints.write(staging.resolve("checkpoints"), 0, block, card, mapper.createObjectNode());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // The same name imported at the same moment: rename(2) does not replace a folder with files.
                if (Files.exists(target)) {
                    throw exists(name);
                }
                throw e;
            }
        } finally {
            Folders.deleteTree(staging);
        }
        LOG.infof("imported model %s (%s, %d classes) from %s, sha256 %s", name, architecture.id(), classes.size(),
                request.fileName(), sha256);
        return catalog.get(name);
    }

    private static ProblemException exists(String name) {
        return new ProblemException(409, "Model exists", "name: a model named '" + name + "' exists already;"
                + " choose another name", "name");
    }

    /** Where the weights came from, in the manifest's spec. */
    private ObjectNode origin(Request request, String sha256, long size, Map<String, String> metadata) {
        ObjectNode origin = mapper.createObjectNode();
        ObjectNode imported = origin.putObject("import");
        imported.put("file", request.fileName());
        imported.put("sha256", sha256);
        imported.put("bytes", size);
        imported.put("importedAt", Instant.now().toString());
        imported.set("metadata", mapper.valueToTree(metadata));
        return origin;
    }

    private static String given(String field, String metadata) {
        return field != null && !field.isBlank() ? field : metadata;
    }

    private static Architecture architecture(String id) {
        try {
            return Architecture.fromId(id == null ? Architecture.RESNET18.id() : id);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("architecture", e.getMessage());
        }
    }

    /** The torchvision stem against the CIFAR one is a conv1 of 7x7 against 3x3: say which field to set. */
    private static String stemHint(Architecture architecture, Safetensors.Contents contents) {
        Safetensors.Tensor conv1 = contents.tensors().get("conv1.weight");
        if (conv1 == null || conv1.shape().length != 4 || conv1.shape()[3] == architecture.stemKernel()) {
            return "";
        }
        return "; conv1.weight's " + conv1.shape()[3] + "x" + conv1.shape()[3] + " kernel is another stem: set"
                + " architecture to " + Arrays.stream(Architecture.values())
                        .filter(a -> a.stemKernel() == conv1.shape()[3]).map(Architecture::id).findFirst()
                        .orElse("one of " + Architecture.ids());
    }

    private List<String> classes(String field, String metadata, Safetensors.Tensor fc) {
        List<String> classes;
        if (field != null && !field.isBlank()) {
            classes = Arrays.stream(field.split(",", -1)).map(String::strip).toList();
        } else if (metadata != null) {
            classes = parse("classes", metadata, text -> mapper.readerForListOf(String.class).readValue(text));
        } else {
            throw new InvalidRequestException("classes", "the file's metadata names no classes: give their labels,"
                    + " comma-separated" + (fc == null ? "" : " (fc.weight has " + fc.shape()[0] + " rows)"));
        }
        if (classes.size() < 2 || classes.stream().anyMatch(String::isBlank) || classes.stream().distinct().count() < classes.size()) {
            throw new InvalidRequestException("classes", "needs 2 or more distinct, non-empty labels, got " + classes);
        }
        if (fc != null && fc.shape().length == 2 && fc.shape()[0] != classes.size()) {
            throw new InvalidRequestException("classes", classes.size() + " labels, but fc.weight has " + fc.shape()[0]
                    + " rows (one per class)");
        }
        return classes;
    }

    private List<Double> channels(String name, String field, String metadata, List<Double> fallback, double min) {
        List<Double> values;
        if (field != null && !field.isBlank()) {
            values = parse(name, "[" + field + "]", text -> mapper.readerForListOf(Double.class).readValue(text));
        } else if (metadata != null) {
            values = parse(name, metadata, text -> mapper.readerForListOf(Double.class).readValue(text));
        } else {
            return fallback;
        }
        if (values.size() != 3 || values.stream().anyMatch(v -> v == null || !(v >= min && v <= 1))) {
            throw new InvalidRequestException(name, "needs 3 comma-separated numbers (R, G, B) "
                    + (min > 0 ? "above 0" : "from 0") + " up to 1, got " + values);
        }
        return values;
    }

    private interface JsonParse<T> {
        T apply(String text) throws JsonProcessingException;
    }

    private static <T> T parse(String field, String text, JsonParse<T> parser) {
        try {
            return parser.apply(text);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(field, "cannot read '" + text + "': " + e.getOriginalMessage());
        }
    }
}
