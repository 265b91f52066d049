package dev.resnetservice.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import com.google.protobuf.ByteString;
import dev.resnetservice.interop.onnx.Onnx.AttributeProto;
import dev.resnetservice.interop.onnx.Onnx.GraphProto;
import dev.resnetservice.interop.onnx.Onnx.ModelProto;
import dev.resnetservice.interop.onnx.Onnx.NodeProto;
import dev.resnetservice.interop.onnx.Onnx.OperatorSetIdProto;
import dev.resnetservice.interop.onnx.Onnx.StringStringEntryProto;
import dev.resnetservice.interop.onnx.Onnx.TensorProto;
import dev.resnetservice.interop.onnx.Onnx.TensorShapeProto;
import dev.resnetservice.interop.onnx.Onnx.TypeProto;
import dev.resnetservice.interop.onnx.Onnx.ValueInfoProto;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.ResNet18;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * The folded inference network ({@link ResNet18#buildFolded}) as an ONNX model: input {@code input},
 * float32 [N, 3, 32, 32] already normalised, output {@code logits}, float32 [N, classes]; Conv (each
 * with its folded BatchNorm as bias), Relu, MaxPool (seed stem), Add, GlobalAveragePool, Flatten and
 * Gemm, the weights as initializers. The convs that the folded network cuts to the taps meeting a
 * 1x1 or 2x2 map are written whole again, zeros where the padding was, so every Conv is the plain
 * one resnet.py describes. Plain network only: a model trained with tta is served averaged with its
 * mirror, which this graph leaves to the caller.
 */
public final class OnnxModel {

    public static final String INPUT = "input";
    public static final String OUTPUT = "logits";
    /** The newest operator set that Debian's python3-onnx (1.12) knows; every operator here is older. */
    static final long OPSET = 17;
    /** IR version 8: the newest that onnx 1.12's checker accepts, and all that opset 17 needs. */
    static final long IR_VERSION = 8;

    private static final int SIDE = 32;
    private static final int BASIC_BLOCK_KERNEL = 3;

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("resnet18");
    private final ParameterSequence parameters;

    private OnnxModel(Block folded) {
        this.parameters = new ParameterSequence(folded);
    }

    /**
     * {@code folded}: an initialised folded network of {@code architecture}, on any device;
     * {@code metadata}: the model's {@code metadata_props}.
     */
    public static ModelProto of(Block folded, Architecture architecture, Map<String, String> metadata) {
        OnnxModel model = new OnnxModel(folded);
        long classes = model.network(architecture);
        model.parameters.requireAllTaken("the folded " + architecture.id());
        model.graph.addInput(tensorInfo(INPUT, "N", 3, SIDE, SIDE))
                .addOutput(tensorInfo(OUTPUT, "N", classes));
        ModelProto.Builder onnx = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("resnet-service")
                .setDocString("torchvision's " + architecture.id() + " with each BatchNorm folded into its conv,"
                        + " for 32x32 RGB images normalised with the mean and std in metadata_props")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(model.graph);
        metadata.forEach((key, value) -> onnx.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return onnx.build();
    }

    /** resnet.py's forward, node by node; returns the class count. */
    private long network(Architecture architecture) {
        String x = switch (architecture) {
            case RESNET18 -> node("MaxPool", "maxpool", relu(conv(INPUT, "conv1", 7, 2, 3), "relu"),
                    ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
            case RESNET18_CIFAR -> relu(conv(INPUT, "conv1", 3, 1, 1), "relu");
        };
        for (int layer = 1; layer <= 4; layer++) {
            // layer1 keeps the stem's width and map; layers 2-4 open by halving the map and doubling the width
            x = basicBlock(x, "layer" + layer + ".0", layer == 1 ? 1 : 2, layer > 1);
            x = basicBlock(x, "layer" + layer + ".1", 1, false);
        }
        x = node("Flatten", "flatten", node("GlobalAveragePool", "avgpool", x), integer("axis", 1));
        NDArray weight = parameters.take("weight", "fc.weight").getArray();
        graph.addNode(NodeProto.newBuilder().setOpType("Gemm").setName("fc")
                .addInput(x).addInput(initializer("fc.weight", weight))
                .addInput(initializer("fc.bias", parameters.take("bias", "fc.bias").getArray()))
                .addOutput(OUTPUT)
                .addAttribute(integer("transB", 1)));
        return weight.getShape().get(0);
    }

    private String basicBlock(String x, String name, int stride, boolean downsample) {
        String residual = conv(relu(conv(x, name + ".conv1", BASIC_BLOCK_KERNEL, stride, 1), name + ".relu1"),
                name + ".conv2", BASIC_BLOCK_KERNEL, 1, 1);
        String identity = downsample ? conv(x, name + ".downsample.0", 1, stride, 0) : x;
        return relu(node("Add", name + ".add", residual, identity), name + ".relu2");
    }

    /** A {@code kernel} x {@code kernel} conv with its folded bias; output named {@code name}. */
    private String conv(String x, String name, int kernel, int stride, int padding) {
        NDArray weight = parameters.take("weight", name + ".weight").getArray();
        long[] shape = weight.getShape().getShape();
        return node("Conv", name, x,
                initializer(name + ".weight", fullKernel(weight, kernel), shape[0], shape[1], kernel, kernel),
                initializer(name + ".bias", parameters.take("bias", name + ".bias").getArray()),
                ints("kernel_shape", kernel, kernel), ints("strides", stride, stride),
                ints("pads", padding, padding, padding, padding));
    }

    private String relu(String x, String name) {
        return node("Relu", name, x);
    }

    /** A node with one output, named as the node; inputs first, then attributes. */
    private String node(String op, String name, Object... inputsThenAttributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(name);
        for (Object item : inputsThenAttributes) {
            if (item instanceof String input) {
                node.addInput(input);
            } else {
                node.addAttribute((AttributeProto) item);
            }
        }
        graph.addNode(node);
        return name;
    }

    private static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    /**
     * The conv's weight at its full {@code kernel} x {@code kernel}: a folded conv cut to the
     * side x side taps meeting a small map holds taps (kernel - 1) / 2 onwards in each direction
     * (BatchNormFolding.taps); the rest only ever met padding, so they are zeros.
     */
    private float[] fullKernel(NDArray weight, int kernel) {
        long[] shape = weight.getShape().getShape();
        float[] taps = weight.toFloatArray();
        int side = (int) shape[2];
        if (side == kernel) {
            return taps;
        }
        int offset = (kernel - 1) / 2;
        int filters = (int) (shape[0] * shape[1]);
        float[] full = new float[filters * kernel * kernel];
        for (int f = 0; f < filters; f++) {
            for (int row = 0; row < side; row++) {
                System.arraycopy(taps, (f * side + row) * side, full, (f * kernel + offset + row) * kernel + offset, side);
            }
        }
        return full;
    }

    private String initializer(String name, NDArray array) {
        return initializer(name, array.toFloatArray(), array.getShape().getShape());
    }

    private String initializer(String name, float[] data, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        graph.addInitializer(tensor);
        return name;
    }

    /** A float32 tensor's name, type and shape; the first dimension is the symbolic {@code batch}. */
    private static ValueInfoProto tensorInfo(String name, String batch, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
        for (long dim : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }
}
