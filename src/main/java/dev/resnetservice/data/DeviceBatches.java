package dev.resnetservice.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One pass over a split in a given order, as device batches: uint8 images go to the device as
 * they are stored (4x fewer bytes than float), and are converted and normalised there, as the
 * seed does on the GPU. The next batch's bytes are gathered on another thread while the
 * current step runs, so the data pipeline stays off the critical path.
 */
public final class DeviceBatches {

    private final ImageStore store;
    private final int[] order;
    private final int batchSize;
    private final Executor gatherer;
    private final DeviceNormalizer normalizer;
    private final Augmentation.EpochDraws augmentation;
    private int nextStart;
    private CompletableFuture<HostBatch> pending;

    /** A batch gathered in host memory, not yet on the device; {@code gatherIndex} is its augmentation, or null. */
    private record HostBatch(ByteBuffer pixels, long[] labels, long[] gatherIndex) {
    }

    /**
     * @param manager owns the normalisation constants; its device is where batches are made
     * @param gatherer runs the gathering of the next batch (a thread of its own keeps it parallel)
     * @param augmentation what to do to each image of this epoch, decided while gathering
     */
    public DeviceBatches(ImageStore store, int[] order, int batchSize, Normalization normalization,
            NDManager manager, Executor gatherer, Augmentation.EpochDraws augmentation) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.store = store;
        this.order = order;
        this.batchSize = batchSize;
        this.gatherer = gatherer;
        this.normalizer = new DeviceNormalizer(normalization, manager);
        this.augmentation = augmentation;
        this.pending = gatherAsync(0);
    }

    /** Batches over the whole split in stored order, for evaluation. */
    public static int[] inOrder(int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        return order;
    }

    public int batches() {
        return (order.length + batchSize - 1) / batchSize;
    }

    public boolean hasNext() {
        return pending != null;
    }

    /**
     * The next batch as [images NCHW float32 normalised, labels int64], both on {@code manager}'s
     * device; the caller closes {@code manager} (a per-batch sub-manager) when done with it.
     */
    public NDList next(NDManager manager) {
        HostBatch batch = pending.join();
        pending = nextStart < order.length ? gatherAsync(nextStart) : null;
        NDArray images = normalizer.images(batch.pixels(), batch.labels().length, batch.gatherIndex(), manager);
        return new NDList(images, manager.create(batch.labels()));
    }

    private CompletableFuture<HostBatch> gatherAsync(int start) {
        int end = Math.min(start + batchSize, order.length);
        nextStart = end;
        return CompletableFuture.supplyAsync(() -> gather(start, end), gatherer);
    }

    private HostBatch gather(int start, int end) {
        ByteBuffer pixels = ByteBuffer.allocateDirect((end - start) * ImageStore.IMAGE_BYTES)
                .order(ByteOrder.nativeOrder());
        long[] labels = new long[end - start];
        for (int i = start; i < end; i++) {
            store.copyImage(order[i], pixels);
            labels[i - start] = store.label(order[i]);
        }
        pixels.flip();
        return new HostBatch(pixels, labels, augmentation.gatherIndex(start / batchSize, end - start));
    }
}
