package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.resnetservice.data.MemoryLayout;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.BatchNormFolding;
import dev.resnetservice.model.ResNet18;
import dev.resnetservice.testdata.Bf16Tolerance;
import dev.resnetservice.testdata.TrainedLikeNetwork;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AutocastTest {

    /** How DJL 0.36 reports a libtorch bfloat16 array: it has no mapping for it. */
    private static final DataType BF16 = DataType.UNKNOWN;

    private final NDManager manager = NDManager.newBaseManager("PyTorch");

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void convolutionsAndMatrixProductsRunInBf16AndTheRestInTheirInputsType() {
        NDArray a = manager.randomNormal(new Shape(8, 8));
        try (Autocast autocast = Autocast.enter(Precision.BF16, Device.cpu())) {
            assertEquals(BF16, a.matMul(a).getDataType());
            assertEquals(DataType.FLOAT32, a.add(a).getDataType());
        }
        assertEquals(DataType.FLOAT32, a.matMul(a).getDataType(), "autocast stays on after close");
        assertTrue(Autocast.supported(Precision.BF16, manager));
    }

    /** The trained network in eval mode and the folded one /predict serves, in both memory layouts. */
    @ParameterizedTest
    @EnumSource(Architecture.class)
    void bf16LogitsAreWithinBf16ToleranceOfFp32(Architecture architecture) {
        Block trained = TrainedLikeNetwork.build(architecture, manager);
        Block folded = ResNet18.buildFolded(architecture, 10);
        ResNet18.initialize(folded, manager);
        BatchNormFolding.fold(trained.getParameters().values(), folded.getParameters().values());
        for (NDArray images : List.of(manager.randomNormal(new Shape(4, 3, 32, 32)),
                MemoryLayout.channelsLast(manager.randomNormal(new Shape(40, 3, 32, 32))))) {
            for (Block network : List.of(trained, folded)) {
                Bf16Tolerance.assertClose(logits(network, images, Precision.FP32),
                        logits(network, images, Precision.BF16), 0.1f);
            }
        }
    }

    /** Autograd records the casts: a bf16 step's gradients reach the fp32 weights, close to fp32's. */
    @Test
    void bf16GradientsArriveInFp32CloseToFp32s() {
        manager.getEngine().setRandomSeed(3);
        Block network = ResNet18.build(Architecture.RESNET18, 10);
        ResNet18.initialize(network, manager);
        NDArray images = MemoryLayout.channelsLast(manager.randomNormal(new Shape(32, 3, 32, 32)));
        NDArray labels = manager.randomInteger(0, 10, new Shape(32), DataType.INT64);
        List<Parameter> weights = network.getParameters().values().stream()
                .filter(p -> p.getType() == Parameter.Type.WEIGHT).toList();
        List<float[]> fp32 = gradients(network, weights, images, labels, Precision.FP32);
        List<float[]> bf16 = gradients(network, weights, images, labels, Precision.BF16);
        for (int i = 0; i < weights.size(); i++) {
            double cosine = cosine(fp32.get(i), bf16.get(i));
            assertTrue(cosine > 0.98, weights.get(i).getName() + ": cosine " + cosine);
        }
    }

    private float[] logits(Block network, NDArray images, Precision precision) {
        try (Autocast autocast = Autocast.enter(precision, Device.cpu())) {
            NDArray logits = network.forward(new ParameterStore(manager, false), new NDList(images), false)
                    .singletonOrThrow();
            assertEquals(precision == Precision.BF16 ? BF16 : DataType.FLOAT32, logits.getDataType());
            return Autocast.fp32(logits).toFloatArray();
        }
    }

    private List<float[]> gradients(Block network, List<Parameter> weights, NDArray images, NDArray labels,
            Precision precision) {
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            weights.forEach(w -> w.getArray().setRequiresGradient(true));
            NDArray logits;
            try (Autocast autocast = Autocast.enter(precision, Device.cpu())) {
                logits = network.forward(new ParameterStore(manager, false), new NDList(images), true)
                        .singletonOrThrow();
            }
            NDArray loss = new LabelSmoothingCrossEntropy(0).evaluate(new NDList(labels),
                    new NDList(Autocast.fp32(logits)));
            collector.backward(loss);
            return weights.stream().map(w -> {
                NDArray gradient = w.getArray().getGradient();
                assertEquals(DataType.FLOAT32, gradient.getDataType(), w.getName());
                return gradient.toFloatArray();
            }).toList();
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }
}
