package dev.resnetservice.training;

import java.util.Arrays;
import java.util.List;

/**
 * The arithmetic a job trains and evaluates in, and /predict serves in. {@code fp32} is the seed
 * recipe's, exactly; {@code bf16} is PyTorch's {@code torch.autocast(dtype=torch.bfloat16)}
 * (see {@link Autocast}): convolutions and matrix products in bfloat16, weights, optimiser
 * state, BatchNorm statistics and the loss in fp32. Checkpoints are fp32 either way.
 */
public enum Precision {
    FP32("fp32"),
    BF16("bf16");

    public static final List<String> IDS = Arrays.stream(values()).map(Precision::id).toList();

    private final String id;

    Precision(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the value and the ones there are */
    public static Precision fromId(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + id + "': expected one of " + IDS));
    }

    @Override
    public String toString() {
        return id;
    }
}
