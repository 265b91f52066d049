package dev.resnetservice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.UniformInitializer;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * torchvision's resnet18 (models/resnet.py) built from DJL blocks: BasicBlock, layers [2, 2, 2, 2].
 * Input is NCHW float32; output is one logit per class.
 */
public final class ResNet18 {

    /** Side of the images the networks take. */
    private static final int SIDE = 32;
    /** The shape {@link #initialize} prepares the parameters for: one 32x32 RGB image. */
    public static final Shape INPUT_SHAPE = new Shape(1, 3, SIDE, SIDE);

    /** Width of layer4, so the input width of the final Linear. */
    public static final int FC_IN = 512;

    private ResNet18() {
    }

    public static Block build(Architecture architecture, int classes) {
        return build(architecture, classes, false);
    }

    /**
     * The same network for inference on 32x32 images, every BatchNorm folded into the conv before
     * it (a conv with bias, no BatchNorm): one pass over each activation instead of two. Convs that
     * make a 1x1 map keep only the taps that meet pixels ({@link #conv3x3Bn}), so it refuses other
     * image sizes. Fill it with {@link BatchNormFolding#fold}.
     */
    public static Block buildFolded(Architecture architecture, int classes) {
        return build(architecture, classes, true);
    }

    private static Block build(Architecture architecture, int classes, boolean folded) {
        Objects.requireNonNull(architecture, "architecture");
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, got " + classes);
        }
        int map = architecture.layer1Side();
        SequentialBlock net = new SequentialBlock();
        if (folded) {
            net.add(new LambdaBlock(ResNet18::requireImageSide, "requireImageSide"));
        }
        net.add(stem(architecture, folded))
                .add(makeLayer(64, 64, 2, 1, map, folded))
                .add(makeLayer(64, 128, 2, 2, map, folded))
                .add(makeLayer(128, 256, 2, 2, map / 2, folded))
                .add(makeLayer(256, FC_IN, 2, 2, map / 4, folded))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(classes).optBias(true).build());
        initialiseLikeTorchvision(net);
        return net;
    }

    private static NDList requireImageSide(NDList inputs) {
        Shape shape = inputs.singletonOrThrow().getShape();
        if (shape.get(2) != SIDE || shape.get(3) != SIDE) {
            throw new IllegalArgumentException("the folded network takes 32x32 images, got " + shape);
        }
        return inputs;
    }

    /** Creates the parameter arrays in {@code manager} for {@link #INPUT_SHAPE} input. */
    public static void initialize(Block block, NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, INPUT_SHAPE);
    }

    /** Parameters the optimiser updates; BatchNorm's running mean and variance are not among them. */
    public static long trainableParameterCount(Block block) {
        if (!block.isInitialized()) {
            throw new IllegalStateException("the block has no parameter arrays yet: initialize it first");
        }
        return block.getParameters().values().stream()
                .filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().size())
                .sum();
    }

    private static Block stem(Architecture architecture, boolean folded) {
        return switch (architecture) {
            // torchvision's stem is conv, bn, relu, maxpool. ReLU is monotonic, so it commutes with the
            // max: pooling first gives the same outputs and gradients (ties and negative windows alike)
            // with ReLU and its backward on a map 4x smaller. On the CPU the backward of ReLU on the
            // 16x16 map cost far more than its size says; alternating epochs of the seed step in one
            // JVM: 1.13x train images/s, faster in 12 of 12 pairs (docs/performance.md).
            case RESNET18 -> new SequentialBlock()
                    .addAll(convBn(64, 7, 2, 3, folded))
                    .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)))
                    .add(Activation.reluBlock());
            // As the CIFAR-10 ResNets of He et al. 2015 (section 4.2): a lone 3x3 first layer, so
            // layer1 sees the full 32x32 map instead of the 8x8 the ImageNet stem leaves.
            case RESNET18_CIFAR -> new SequentialBlock()
                    .addAll(convBn(64, 3, 1, 1, folded))
                    .add(Activation.reluBlock());
        };
    }

    /** One stage on {@code map} x {@code map} input: the first block changes stride and width, the rest keep them. */
    private static Block makeLayer(int inplanes, int planes, int blocks, int stride, int map, boolean folded) {
        SequentialBlock layer = new SequentialBlock().add(basicBlock(inplanes, planes, stride, map, folded));
        for (int i = 1; i < blocks; i++) {
            layer.add(basicBlock(planes, planes, 1, map / stride, folded));
        }
        return layer;
    }

    /** relu(bn(conv(relu(bn(conv(x))))) + downsample(x)), downsample a projection only where shapes change. */
    private static Block basicBlock(int inplanes, int planes, int stride, int map, boolean folded) {
        Block residual = new SequentialBlock()
                .addAll(conv3x3Bn(planes, stride, map, folded))
                .add(Activation.reluBlock())
                .addAll(conv3x3Bn(planes, 1, map / stride, folded));
        Block downsample = stride != 1 || inplanes != planes
                ? new SequentialBlock().addAll(convBn(planes, 1, stride, 0, folded, KernelCroppingConv2d::new))
                : Blocks.identityBlock();
        return new SequentialBlock()
                .add(new ParallelBlock(ResNet18::sum, List.of(residual, downsample)))
                .add(Activation.reluBlock());
    }

    private static NDList sum(List<NDList> branches) {
        return new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow()));
    }

    /**
     * A 3x3 conv (padding 1) on the {@code map} x {@code map} input a 32x32 image gives it, and its
     * BatchNorm. Where it makes one output pixel its window covers the whole input, so only taps
     * 1..map ever meet a pixel and the rest meet padding zeros. That is layer4 of the seed stem
     * (2x2 in, 1x1 out): 6.9 M of the network's 11.2 M weights are such taps. Trained, the conv
     * crops its kernel to those taps at every call ({@link KernelCroppingConv2d}): oneDNN would
     * derive all nine taps' gradients. Folded, it holds only those taps, cut once by
     * {@link BatchNormFolding}, since oneDNN reorders every weight it is given on every forward.
     * Either way a window that makes one pixel from the whole map runs as a matrix product.
     */
    private static List<Block> conv3x3Bn(int planes, int stride, int map, boolean folded) {
        if (!folded) {
            return convBn(planes, 3, stride, 1, false, KernelCroppingConv2d::new);
        }
        return KernelCroppingConv2d.windowCovers(map, 3, 1, stride)
                ? convBn(planes, map, 1, 0, true, KernelCroppingConv2d::new)
                : convBn(planes, 3, stride, 1, true);
    }

    /**
     * A conv and its BatchNorm; folded, one conv with bias instead. No bias otherwise: the
     * BatchNorm that follows every conv has its own shift.
     */
    private static List<Block> convBn(int planes, int kernel, int stride, int padding, boolean folded) {
        return convBn(planes, kernel, stride, padding, folded, Conv2d.Builder::build);
    }

    private static List<Block> convBn(int planes, int kernel, int stride, int padding, boolean folded,
            Function<Conv2d.Builder, Conv2d> construct) {
        Conv2d conv = construct.apply(Conv2d.builder()
                .setFilters(planes)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(folded));
        return folded ? List.of(conv) : List.of(conv, batchNorm());
    }

    /** DJL's defaults: momentum 0.9 (PyTorch's momentum 0.1 counted from the other side), eps 1e-5. */
    private static Block batchNorm() {
        return BatchNorm.builder().build();
    }

    /**
     * torchvision's init, so a DJL run starts where a PyTorch run does. Convs: Kaiming normal on
     * fan_out (DJL's default He init uses fan_in). BatchNorm: gamma 1, beta 0, DJL's default too;
     * torchvision's zero_init_residual (gamma 0 in each block's last BN, Goyal et al. 2017) is off
     * by default, so the seed recipe keeps 1. The Linear is outside torchvision's init loop and keeps
     * nn.Linear's default, kaiming_uniform(a=sqrt(5)), which is uniform(+-1/sqrt(fan_in)) for weight
     * and bias alike.
     */
    private static void initialiseLikeTorchvision(Block block) {
        if (block instanceof Conv2d) {
            block.setInitializer(ResNet18::kaimingNormalFanOut, Parameter.Type.WEIGHT);
        } else if (block instanceof Linear) {
            UniformInitializer pytorchLinear = new UniformInitializer((float) (1 / Math.sqrt(FC_IN)));
            block.setInitializer(pytorchLinear, Parameter.Type.WEIGHT);
            block.setInitializer(pytorchLinear, Parameter.Type.BIAS);
        }
        block.getChildren().values().forEach(ResNet18::initialiseLikeTorchvision);
    }

    /** N(0, 2 / fan_out) for a (out, in, kh, kw) weight, fan_out = out * kh * kw: ReLU gain, mode fan_out. */
    private static NDArray kaimingNormalFanOut(NDManager manager, Shape shape, DataType dataType) {
        long fanOut = shape.get(0) * shape.slice(2).size();
        float std = (float) Math.sqrt(2.0 / fanOut);
        return manager.randomNormal(0f, std, shape, dataType, manager.getDevice());
    }
}
