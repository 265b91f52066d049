package dev.resnetservice.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.resnetservice.interop.onnx.Onnx.AttributeProto;
import dev.resnetservice.interop.onnx.Onnx.ModelProto;
import dev.resnetservice.interop.onnx.Onnx.NodeProto;
import dev.resnetservice.interop.onnx.Onnx.TensorProto;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.ResNet18;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OnnxModelTest {

    private final NDManager manager = NDManager.newBaseManager("PyTorch");

    @AfterEach
    void close() {
        manager.close();
    }

    /** Both stems; the seed one also has layer4's cut convs, which the graph holds whole again. */
    @ParameterizedTest
    @EnumSource(Architecture.class)
    void onnxRuntimeComputesTheFoldedNetworksLogits(Architecture architecture) throws Exception {
        Block folded = randomFolded(architecture);
        float[] images = manager.randomNormal(new Shape(3, 3, 32, 32)).toFloatArray();
        byte[] onnx = OnnxModel.of(folded, architecture, Map.of()).toByteArray();
        try (OnnxRuntimeModel runtime = new OnnxRuntimeModel(onnx)) {
            float[] expected = Logits.djl(folded, manager, images, 3);
            float scale = 0;
            for (float v : expected) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertTrue(scale > 0.1f, "logits too small to tell anything apart: " + scale);
            float worst = Logits.largestDifference(expected, runtime.logits(images, 3));
            assertTrue(worst <= 1e-5f * scale, architecture + ": largest difference " + worst + " at scale " + scale);
        }
    }

    @Test
    void theSeedGraphIsPlainConvsWithFullKernelsAndTheUsualPadding() {
        ModelProto onnx = OnnxModel.of(randomFolded(Architecture.RESNET18), Architecture.RESNET18, Map.of());
        Set<String> ops = onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("Add", "Conv", "Flatten", "Gemm", "GlobalAveragePool", "MaxPool", "Relu"), ops);
        assertEquals(List.of(512L, 512L, 3L, 3L), initializer(onnx, "layer4.1.conv1.weight").getDimsList());
        NodeProto conv = onnx.getGraph().getNodeList().stream()
                .filter(node -> node.getName().equals("layer4.1.conv1")).findFirst().orElseThrow();
        assertEquals(List.of(1L, 1L, 1L, 1L), attribute(conv, "pads").getIntsList());
        assertEquals(List.of(3L, 3L), attribute(conv, "kernel_shape").getIntsList());
        assertEquals(List.of(64L, 3L, 7L, 7L), initializer(onnx, "conv1.weight").getDimsList());
        assertEquals(List.of(10L, 512L), initializer(onnx, "fc.weight").getDimsList());
        assertEquals(17, onnx.getOpsetImport(0).getVersion());
    }

    /** A folded network with torchvision's init and a random bias on every conv, as folding leaves them. */
    private Block randomFolded(Architecture architecture) {
        manager.getEngine().setRandomSeed(3);
        Block folded = ResNet18.buildFolded(architecture, 10);
        ResNet18.initialize(folded, manager);
        for (Parameter p : folded.getParameters().values()) {
            if (p.getType() == Parameter.Type.BIAS) {
                NDArray bias = p.getArray();
                bias.set(manager.randomNormal(0, 0.1f, bias.getShape(), bias.getDataType()).toFloatArray());
            }
        }
        return folded;
    }

    private static TensorProto initializer(ModelProto onnx, String name) {
        return onnx.getGraph().getInitializerList().stream()
                .filter(tensor -> tensor.getName().equals(name)).findFirst().orElseThrow();
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        return node.getAttributeList().stream()
                .filter(attribute -> attribute.getName().equals(name)).findFirst().orElseThrow();
    }
}
