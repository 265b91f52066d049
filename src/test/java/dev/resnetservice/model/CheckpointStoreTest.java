package dev.resnetservice.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.Normalization;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    private static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer",
            "dog", "frog", "horse", "ship", "truck");
    private static final ModelCard CARD = new ModelCard(Architecture.RESNET18, CLASSES, Normalization.cifar10(), false, null);

    private final ObjectMapper mapper = new ObjectMapper();
    private final CheckpointStore store = new CheckpointStore(mapper);

    @TempDir
    Path dir;

    @Test
    void writesParamsThenManifestWithTheParamsSha256() throws Exception {
        try (NDManager manager = newManager()) {
            Checkpoint checkpoint = write(3, manager);

            assertEquals(dir.resolve("epoch-0003.params"), checkpoint.params());
            assertEquals(dir.resolve("epoch-0003.json"), checkpoint.manifestFile());
            assertTrue(Files.isRegularFile(checkpoint.params()));
            JsonNode json = mapper.readTree(checkpoint.manifestFile().toFile());
            assertEquals(sha256(checkpoint.params()), json.get("sha256").asText());
            assertEquals("epoch-0003.params", json.get("paramsFile").asText());
            assertEquals("resnet18", json.get("architecture").asText());
            assertEquals(11_181_642, json.get("parameterCount").asLong());
            assertEquals(0.4888, json.at("/metrics/testAccuracy").asDouble());
            assertTrue(json.get("createdAt").isTextual(), "createdAt as ISO-8601: " + json.get("createdAt"));
        }
    }

    @Test
    void leavesNoTemporaryFiles() throws Exception {
        try (NDManager manager = newManager()) {
            write(1, manager);
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of("epoch-0001.json", "epoch-0001.params"),
                        files.map(f -> f.getFileName().toString()).sorted().toList());
            }
        }
    }

    @Test
    void listReadsBackTheManifestSortedByEpoch() throws Exception {
        try (NDManager manager = newManager()) {
            Checkpoint second = write(2, manager);
            Checkpoint first = write(1, manager);
            Files.writeString(dir.resolve("epoch-0009.json"), "{ not json");

            assertEquals(List.of(first, second), store.list(dir));
        }
    }

    @Test
    void loadedBlockGivesIdenticalOutputs() throws Exception {
        try (NDManager manager = newManager()) {
            Block saved = initialized(manager);
            Checkpoint checkpoint = store.write(dir, 1, saved, CARD, metrics());
            Block loaded = ResNet18.build(Architecture.RESNET18, CLASSES.size());
            store.load(checkpoint, loaded, manager);

            NDArray input = manager.randomNormal(new Shape(2, 3, 32, 32));
            assertArrayEquals(evaluate(saved, input, manager), evaluate(loaded, input, manager));
        }
    }

    @Test
    void refusesToLoadIntoABlockWithAnotherClassCount() throws Exception {
        try (NDManager manager = newManager()) {
            Checkpoint checkpoint = write(1, manager);
            Block fiveClasses = ResNet18.build(Architecture.RESNET18, 5);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.load(checkpoint, fiveClasses, manager));
            assertTrue(e.getMessage().contains("has 10 classes, the block 5"), e.getMessage());
        }
    }

    @Test
    void refusesToLoadIntoABlockWithAnotherStem() throws Exception {
        try (NDManager manager = newManager()) {
            Checkpoint checkpoint = write(1, manager);
            Block cifar = ResNet18.build(Architecture.RESNET18_CIFAR, CLASSES.size());
            assertThrows(MalformedModelException.class, () -> store.load(checkpoint, cifar, manager));
        }
    }

    @Test
    void verifyRejectsAFlippedByteNamingTheFile() throws Exception {
        try (NDManager manager = newManager()) {
            Checkpoint checkpoint = write(1, manager);
            flipByte(checkpoint.params(), Files.size(checkpoint.params()) / 2);

            CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
                    () -> store.verify(checkpoint));
            assertTrue(e.getMessage().contains(checkpoint.params().getFileName().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("sha256 differs"), e.getMessage());
            assertFalse(e.getMessage().contains(checkpoint.params().getParent().toString()),
                    "clients see no absolute server path: " + e.getMessage());
        }
    }

    @Test
    void verifyRejectsATruncatedFile() throws Exception {
        try (NDManager manager = newManager()) {
            Checkpoint checkpoint = write(1, manager);
            try (RandomAccessFile file = new RandomAccessFile(checkpoint.params().toFile(), "rw")) {
                file.setLength(file.length() / 2);
            }

            CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
                    () -> store.load(checkpoint, ResNet18.build(Architecture.RESNET18, 10), manager));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void verifyRejectsAMissingFile() throws Exception {
        try (NDManager manager = newManager()) {
            Checkpoint checkpoint = write(1, manager);
            Files.delete(checkpoint.params());

            CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
                    () -> store.verify(checkpoint));
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
        }
    }

    @Test
    void newestValidSkipsACorruptNewestAndReportsIt() throws Exception {
        try (NDManager manager = newManager()) {
            Checkpoint older = write(1, manager);
            Checkpoint newer = write(2, manager);
            flipByte(newer.params(), 100);

            List<CorruptCheckpointException> skipped = new ArrayList<>();
            assertEquals(older, store.newestValid(dir, skipped::add).orElseThrow());
            assertEquals(List.of(newer.params()), skipped.stream().map(CorruptCheckpointException::file).toList());
        }
    }

    private Checkpoint write(int epoch, NDManager manager) throws IOException {
        return store.write(dir, epoch, initialized(manager), CARD, metrics());
    }

    private JsonNode metrics() {
        return mapper.createObjectNode().put("epoch", 1).put("testAccuracy", 0.4888);
    }

    private static NDManager newManager() {
        return Engine.getEngine("PyTorch").newBaseManager();
    }

    private static Block initialized(NDManager manager) {
        Block block = ResNet18.build(Architecture.RESNET18, CLASSES.size());
        ResNet18.initialize(block, manager);
        return block;
    }

    private static float[] evaluate(Block block, NDArray input, NDManager manager) {
        return block.forward(new ParameterStore(manager, false), new NDList(input), false)
                .singletonOrThrow().toFloatArray();
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0xFF);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
