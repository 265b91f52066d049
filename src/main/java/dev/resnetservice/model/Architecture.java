package dev.resnetservice.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The networks a job can train, by the name the API uses. */
public enum Architecture {
    /** torchvision's resnet18: 7x7/2 stem conv, BN, ReLU, 3x3/2 max-pool. */
    RESNET18("resnet18", 8, 7),
    /** The CIFAR variant: 3x3/1 stem conv, BN, ReLU, no pool, so the stages see 32x32 maps. */
    RESNET18_CIFAR("resnet18-cifar", 32, 3);

    private final String id;
    private final int layer1Side;
    private final int stemKernel;

    Architecture(String id, int layer1Side, int stemKernel) {
        this.id = id;
        this.layer1Side = layer1Side;
        this.stemKernel = stemKernel;
    }

    /** Side of the stem conv's square kernel: what tells the two apart in a state_dict. */
    public int stemKernel() {
        return stemKernel;
    }

    /** Side of the maps layer1 sees for a 32x32 input. */
    public int layer1Side() {
        return layer1Side;
    }

    public String id() {
        return id;
    }

    /** Bytes of one 32x32 image's layer1 activations (64 float maps), the largest of the network. */
    public long layer1Bytes() {
        return 64L * layer1Side * layer1Side * Float.BYTES;
    }

    /**
     * A rough upper estimate of a training step's peak memory at {@code batchSize}: 1 GiB for the
     * engine and the data, 16 bytes per parameter (weights, gradients, two optimiser moments), and
     * per image the activations kept for the backward pass, about 32 tensors of layer1's size across
     * the stem and four stages (each stage halves the side and doubles the channels, so each holds
     * half the bytes of the one before), twice over for the gradients flowing back through them.
     * It exists to refuse a spec that cannot fit, not to predict: at batch 256 the seed network
     * measured 2-2.75 GB resident on the CPU, this says 1.7 GB.
     */
    public long trainingBytes(int batchSize) {
        return (1L << 30) + 16L * 11_200_000 + batchSize * 64L * layer1Bytes();
    }

    public static Architecture fromId(String id) {
        return Arrays.stream(values())
                .filter(a -> a.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown model '" + id + "', expected one of " + ids()));
    }

    public static String ids() {
        return Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", "));
    }
}
