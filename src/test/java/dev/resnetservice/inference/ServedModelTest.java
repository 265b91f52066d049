package dev.resnetservice.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.data.Normalization;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.model.ModelCard;
import dev.resnetservice.model.ResNet18;
import dev.resnetservice.testdata.Bf16Tolerance;
import dev.resnetservice.training.Precision;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedModelTest {

    private static final List<String> CLASSES = IntStream.range(0, 10).mapToObj(Integer::toString).toList();

    @TempDir
    Path dir;

    /** One fp32 checkpoint, served in both precisions: a request of 3 images and a batch of 40 (channels-last). */
    @Test
    void servesAnFp32CheckpointInBf16WithinBf16ToleranceOfFp32() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        CheckpointStore store = new CheckpointStore(mapper);
        Checkpoint checkpoint;
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            Block block = ResNet18.build(Architecture.RESNET18, CLASSES.size());
            ResNet18.initialize(block, manager);
            checkpoint = store.write(dir, 1, block,
                    new ModelCard(Architecture.RESNET18, CLASSES, Normalization.cifar10(), false, null),
                    mapper.createObjectNode().put("epoch", 1));
        }
        Random random = new Random(9);
        for (int count : new int[] {3, 40}) {
            List<ImageInput> images = IntStream.range(0, count).mapToObj(i -> {
                byte[] pixels = new byte[3 * 32 * 32];
                random.nextBytes(pixels);
                return ImageInput.pixels(pixels);
            }).toList();
            try (ServedModel fp32 = new ServedModel(checkpoint, store, Device.cpu(), Precision.FP32);
                    ServedModel bf16 = new ServedModel(checkpoint, store, Device.cpu(), Precision.BF16)) {
                List<ImageScores> expected = fp32.scores(images);
                List<ImageScores> actual = bf16.scores(images);
                for (int i = 0; i < count; i++) {
                    Bf16Tolerance.assertClose(expected.get(i).logits(), actual.get(i).logits(), 0.01f);
                    double sum = 0;
                    for (float p : actual.get(i).probabilities()) {
                        sum += p;
                    }
                    assertEquals(1.0, sum, 1e-4);
                }
            }
        }
    }
}
