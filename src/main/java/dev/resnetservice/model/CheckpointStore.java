package dev.resnetservice.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.resnetservice.storage.AtomicFile;
import org.jboss.logging.Logger;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Checkpoints in a folder: {@code epoch-0003.params} (DJL's parameter format) beside
 * {@code epoch-0003.json} (its {@link CheckpointManifest}). Both are written atomically, params
 * first, so a manifest never names a file that is not complete; a params file that does not match
 * its manifest's size and sha256 is never loaded.
 */
public class CheckpointStore {

    private static final Logger LOG = Logger.getLogger(CheckpointStore.class);

    private final ObjectWriter writer;
    private final ObjectReader reader;

    /**
     * Uses a copy of {@code mapper}, so registering the java.time module and writing instants as
     * ISO-8601 text do not change the caller's mapper.
     */
    public CheckpointStore(ObjectMapper mapper) {
        ObjectMapper own = mapper.copy()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // A manifest written by a newer version, with fields added, still loads.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.writer = own.writerWithDefaultPrettyPrinter();
        this.reader = own.readerFor(CheckpointManifest.class);
    }

    /**
     * Saves {@code block}'s parameters (initialized) and a manifest for them. {@code metrics} is
     * the epoch event's data.
     */
    public Checkpoint write(Path checkpointsDir, int epoch, Block block, ModelCard card, JsonNode metrics)
            throws IOException {
        long parameterCount = ResNet18.trainableParameterCount(block);
        String name = String.format(Locale.ROOT, "epoch-%04d", epoch);
        Path params = checkpointsDir.resolve(name + ".params");
        MessageDigest sha256 = sha256();
        AtomicFile.write(params, out -> {
            DataOutputStream data = new DataOutputStream(new DigestOutputStream(out, sha256));
            block.saveParameters(data);
            // Flushed, not closed: AtomicFile fsyncs and closes the file itself.
            data.flush();
        });
        CheckpointManifest manifest = new CheckpointManifest(epoch, card.architecture().id(),
                parameterCount, card.classes(), card.normalization(),
                HexFormat.of().formatHex(sha256.digest()), params.getFileName().toString(),
                Files.size(params), Instant.now(), metrics, card.testTimeAugmentation(), card.spec());
        Path manifestFile = checkpointsDir.resolve(name + ".json");
        AtomicFile.write(manifestFile, writer.writeValueAsBytes(manifest));
        return new Checkpoint(epoch, params, manifestFile, manifest);
    }

    /** Removes a checkpoint: the manifest first, so a crash in between leaves only a params file nothing lists. */
    public void delete(Checkpoint checkpoint) throws IOException {
        Files.deleteIfExists(checkpoint.manifestFile());
        Files.deleteIfExists(checkpoint.params());
    }

    /** Every checkpoint with a readable manifest, oldest epoch first; the params are not checked. */
    public List<Checkpoint> list(Path checkpointsDir) throws IOException {
        if (!Files.isDirectory(checkpointsDir)) {
            return List.of();
        }
        List<Checkpoint> found = new ArrayList<>();
        // AtomicFile's temporary names start with a dot, so the pattern never matches a half-written file.
        try (DirectoryStream<Path> manifests = Files.newDirectoryStream(checkpointsDir, "epoch-*.json")) {
            for (Path manifestFile : manifests) {
                read(manifestFile).ifPresent(found::add);
            }
        }
        found.sort(Comparator.comparingInt(Checkpoint::epoch));
        return found;
    }

    /** Throws unless the params file has the size and sha256 its manifest recorded. */
    public void verify(Checkpoint checkpoint) {
        Path params = checkpoint.params();
        CheckpointManifest manifest = checkpoint.manifest();
        try {
            long size = Files.size(params);
            if (size != manifest.paramsBytes()) {
                LOG.warnf("%s: %d bytes, its manifest says %d", params, size, manifest.paramsBytes());
                throw new CorruptCheckpointException(params, size < manifest.paramsBytes() ? "truncated"
                        : "longer than its manifest says");
            }
            String actual = sha256Of(params);
            if (!actual.equals(manifest.sha256())) {
                LOG.warnf("%s: sha256 %s, its manifest says %s", params, actual, manifest.sha256());
                throw new CorruptCheckpointException(params, "its sha256 differs from its manifest's");
            }
        } catch (NoSuchFileException e) {
            throw new CorruptCheckpointException(params, "missing");
        } catch (IOException e) {
            LOG.warnf("%s: %s", params, e);
            throw new CorruptCheckpointException(params, "unreadable");
        }
    }

    /** The newest checkpoint that verifies; each newer one that does not goes to {@code onSkipped}. */
    public Optional<Checkpoint> newestValid(Path checkpointsDir, Consumer<CorruptCheckpointException> onSkipped)
            throws IOException {
        List<Checkpoint> checkpoints = list(checkpointsDir);
        for (int i = checkpoints.size() - 1; i >= 0; i--) {
            try {
                verify(checkpoints.get(i));
                return Optional.of(checkpoints.get(i));
            } catch (CorruptCheckpointException e) {
                onSkipped.accept(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Verifies the checkpoint, then loads it into {@code block}, which must come from
     * {@code ResNet18.build} with the manifest's architecture and class count; it need not be
     * initialized (the file carries shapes), but a trainer still has to initialize it to attach
     * gradients. The arrays are created in {@code manager}, on its device.
     *
     * @throws CorruptCheckpointException if the params file does not verify
     * @throws MalformedModelException if the block's layout differs from the file's
     * @throws IllegalArgumentException if the block's class count differs from the checkpoint's
     */
    public void load(Checkpoint checkpoint, Block block, NDManager manager)
            throws IOException, MalformedModelException {
        verify(checkpoint);
        // DJL takes each array's shape from the file, so a block built for another class count
        // would load without complaint; another stem fails inside loadParameters.
        long blockClasses = block.getOutputShapes(new Shape[] {ResNet18.INPUT_SHAPE})[0].get(1);
        if (blockClasses != checkpoint.manifest().classes().size()) {
            throw new IllegalArgumentException("checkpoint " + checkpoint.params() + " has "
                    + checkpoint.manifest().classes().size() + " classes, the block " + blockClasses);
        }
        try (DataInputStream in = new DataInputStream(
                new BufferedInputStream(Files.newInputStream(checkpoint.params()), 1 << 16))) {
            block.loadParameters(manager, in);
        }
    }

    /**
     * The checkpoint as the inference network, {@link ResNet18#buildFolded} filled by
     * {@link BatchNormFolding}, its arrays in {@code manager}; the trained network it is folded from
     * lives only during the call. Throws as {@link #load} does.
     */
    public Block loadFolded(Checkpoint checkpoint, NDManager manager) throws IOException, MalformedModelException {
        Architecture architecture = Architecture.fromId(checkpoint.manifest().architecture());
        int classes = checkpoint.manifest().classes().size();
        Block folded = ResNet18.buildFolded(architecture, classes);
        ResNet18.initialize(folded, manager);
        try (NDManager trainedArrays = manager.newSubManager()) {
            Block trained = ResNet18.build(architecture, classes);
            load(checkpoint, trained, trainedArrays);
            BatchNormFolding.fold(trained.getParameters().values(), folded.getParameters().values());
        }
        return folded;
    }

    private Optional<Checkpoint> read(Path manifestFile) {
        try {
            CheckpointManifest manifest = reader.readValue(manifestFile.toFile());
            return Optional.of(new Checkpoint(manifest.epoch(),
                    manifestFile.resolveSibling(manifest.paramsFile()), manifestFile, manifest));
        } catch (IOException e) {
            LOG.warnf("skipping unreadable checkpoint manifest %s: %s", manifestFile, e.getMessage());
            return Optional.empty();
        }
    }

    /** The file's SHA-256, in lower-case hex, as manifests record it. */
    public static String sha256Of(Path file) throws IOException {
        MessageDigest sha256 = sha256();
        try (InputStream in = Files.newInputStream(file);
                OutputStream digest = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
            in.transferTo(digest);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
