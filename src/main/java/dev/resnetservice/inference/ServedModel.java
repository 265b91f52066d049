package dev.resnetservice.inference;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.data.DeviceNormalizer;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.model.ClassProbabilities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * One checkpoint loaded for serving, in a DJL {@link Model} of its own (never the weights a job
 * is training), in eval mode. Used by one thread at a time: the predictor's.
 */
final class ServedModel implements AutoCloseable {

    private final Checkpoint checkpoint;
    private final Model model;
    private final ParameterStore parameters;
    private final DeviceNormalizer normalizer;

    ServedModel(Checkpoint checkpoint, CheckpointStore checkpoints, Device device) {
        this.checkpoint = checkpoint;
        this.model = Model.newInstance(checkpoint.params().toString(), device, "PyTorch");
        try {
            // Served with each BatchNorm folded into its conv: the same function, less work.
            model.setBlock(checkpoints.loadFolded(checkpoint, model.getNDManager()));
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read " + checkpoint.params(), e);
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalStateException("cannot load " + checkpoint.params() + ": " + e.getMessage(), e);
        }
        this.parameters = new ParameterStore(model.getNDManager(), false);
        // The statistics the model was trained with, from its manifest.
        this.normalizer = new DeviceNormalizer(checkpoint.manifest().normalization(), model.getNDManager());
    }

    Checkpoint checkpoint() {
        return checkpoint;
    }

    List<String> classes() {
        return checkpoint.manifest().classes();
    }

    /** Class probabilities, one row per image (CHW uint8 pixels, 32x32). */
    float[][] probabilities(List<byte[]> images) {
        try (NDManager batch = model.getNDManager().newSubManager()) {
            ByteBuffer pixels = ByteBuffer.allocateDirect(images.size() * ImageStore.IMAGE_BYTES)
                    .order(ByteOrder.nativeOrder());
            images.forEach(pixels::put);
            pixels.flip();
            NDArray input = normalizer.images(pixels, images.size(), batch);
            // Served as it was measured: with the mirror averaged in when it was trained that way.
            NDArray probabilities = ClassProbabilities.log(
                    x -> model.getBlock().forward(parameters, new NDList(x), false).singletonOrThrow(),
                    input, checkpoint.manifest().testTimeAugmentation()).exp();
            float[] flat = probabilities.toFloatArray();
            int classes = classes().size();
            float[][] rows = new float[images.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
            }
            return rows;
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
