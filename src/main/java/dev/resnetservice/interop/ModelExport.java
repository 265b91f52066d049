package dev.resnetservice.interop;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.resnetservice.inference.ModelCatalog;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointManifest;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.model.ResNet18;
import dev.resnetservice.web.InvalidRequestException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A model in a format other tools load. {@code safetensors}: torchvision's state_dict of the
 * unfolded network, so {@code torchvision.models.resnet18(num_classes=N).load_state_dict(...)}
 * takes it in strict mode, with the class names, normalisation and spec in {@code __metadata__}.
 * {@code huggingface}: a zip of that file as {@code model.safetensors} and a {@code config.json} in
 * the convention timm and the hub use (timm's resnet18 has torchvision's keys). {@code onnx}: the
 * folded network /predict serves, as {@link OnnxModel} writes it, with the same metadata.
 */
@ApplicationScoped
public class ModelExport {

    public static final List<String> FORMATS = List.of("safetensors", "huggingface", "onnx");

    private final ModelCatalog catalog;
    private final CheckpointStore checkpoints;
    private final ObjectMapper mapper;

    public ModelExport(ModelCatalog catalog, ObjectMapper mapper) {
        this.catalog = catalog;
        this.checkpoints = new CheckpointStore(mapper);
        this.mapper = mapper;
    }

    /** A file to download: its name and how to write it. */
    public record Export(String fileName, StreamingOutput content) {
    }

    public Export export(String model, String format) {
        if (!FORMATS.contains(format)) {
            throw new InvalidRequestException("format", "'" + format + "': expected one of " + FORMATS);
        }
        Checkpoint checkpoint = catalog.resolve(model);
        String name = catalog.nameOf(checkpoint).replace("@", "-epoch-");
        if ("safetensors".equals(format)) {
            return new Export(name + ".safetensors", out -> safetensors(checkpoint, out));
        }
        if ("onnx".equals(format)) {
            return new Export(name + ".onnx", out -> onnx(checkpoint, out));
        }
        return new Export(name + "-huggingface.zip", out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry("model.safetensors"));
            safetensors(checkpoint, zip);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(hubConfig(checkpoint.manifest())));
            zip.closeEntry();
            zip.finish();
        });
    }

    private void safetensors(Checkpoint checkpoint, OutputStream out) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            CheckpointManifest manifest = checkpoint.manifest();
            Block block = ResNet18.build(Architecture.fromId(manifest.architecture()), manifest.classes().size());
            checkpoints.load(checkpoint, block, manager);
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", "pt"); // what safetensors' torch loader expects
            metadata.putAll(metadata(manifest));
            Safetensors.write(TorchvisionStateDict.of(block), metadata, out, mapper);
        } catch (MalformedModelException e) {
            throw new UncheckedIOException(new IOException("cannot load " + checkpoint.params(), e));
        }
    }

    private void onnx(Checkpoint checkpoint, OutputStream out) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            CheckpointManifest manifest = checkpoint.manifest();
            Block folded = checkpoints.loadFolded(checkpoint, manager);
            OnnxModel.of(folded, Architecture.fromId(manifest.architecture()), metadata(manifest)).writeTo(out);
        } catch (MalformedModelException e) {
            throw new UncheckedIOException(new IOException("cannot load " + checkpoint.params(), e));
        }
    }

    /** timm's config.json: what timm.create_model and the hub's widgets read. */
    private ObjectNode hubConfig(CheckpointManifest manifest) {
        ObjectNode config = mapper.createObjectNode();
        config.put("architecture", "resnet18");
        config.put("num_classes", manifest.classes().size());
        config.put("num_features", 512);
        ObjectNode pretrained = config.putObject("pretrained_cfg");
        pretrained.putArray("input_size").add(3).add(32).add(32);
        pretrained.put("interpolation", "bilinear");
        pretrained.put("crop_pct", 1.0);
        pretrained.set("mean", mapper.valueToTree(manifest.normalization().mean()));
        pretrained.set("std", mapper.valueToTree(manifest.normalization().std()));
        pretrained.put("num_classes", manifest.classes().size());
        pretrained.put("first_conv", "conv1");
        pretrained.put("classifier", "fc");
        config.set("label_names", mapper.valueToTree(manifest.classes()));
        // Not timm's: where it came from, and the stem, since resnet18-cifar needs its 3x3 conv1 and no max-pool.
        config.put("resnet_service_architecture", manifest.architecture());
        config.set("resnet_service_spec", manifest.spec());
        return config;
    }

    /** Strings only, as safetensors and ONNX's metadata_props require; lists and the spec as JSON text. */
    private Map<String, String> metadata(CheckpointManifest manifest) throws JsonProcessingException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("architecture", manifest.architecture());
        metadata.put("num_classes", Integer.toString(manifest.classes().size()));
        metadata.put("classes", mapper.writeValueAsString(manifest.classes()));
        metadata.put("mean", mapper.writeValueAsString(manifest.normalization().mean()));
        metadata.put("std", mapper.writeValueAsString(manifest.normalization().std()));
        metadata.put("input_size", "[3, 32, 32]");
        metadata.put("epoch", Integer.toString(manifest.epoch()));
        metadata.put("source_sha256", manifest.sha256());
        metadata.put("spec", mapper.writeValueAsString(manifest.spec()));
        return metadata;
    }
}
