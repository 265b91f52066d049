package dev.resnetservice.data;

import java.util.SplittableRandom;

/** The order in which an epoch visits a split, and how many batches that takes. */
public final class BatchSampler {

    private BatchSampler() {
    }

    /**
     * A permutation of 0..size-1 for one epoch.
     *
     * <p>Why a fresh generator per epoch: its state is a pure function of (seed, epoch), so a job
     * resumed at epoch e visits the data in exactly the order the uninterrupted job would have,
     * without saving or replaying any generator state.
     */
    public static int[] order(int size, long seed, int epoch) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** Batches per epoch; the last partial batch is kept, as PyTorch's DataLoader does by default (drop_last=False). */
    public static int batches(int size, int batchSize) {
        if (size < 0 || batchSize < 1) {
            throw new IllegalArgumentException("need size >= 0 and batchSize >= 1, got " + size + " and " + batchSize);
        }
        return (int) (((long) size + batchSize - 1) / batchSize);
    }
}
