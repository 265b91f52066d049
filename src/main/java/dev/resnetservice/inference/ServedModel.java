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
import dev.resnetservice.training.Autocast;
import dev.resnetservice.training.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
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
    private final Precision precision;

    ServedModel(Checkpoint checkpoint, CheckpointStore checkpoints, Device device, Precision precision) {
        this.checkpoint = checkpoint;
        this.precision = precision;
        this.model = Model.newInstance(checkpoint.params().toString(), device, "PyTorch");
        if (!Autocast.supported(precision, model.getNDManager())) {
            model.close();
            throw new IllegalStateException("resnet.predict.precision is " + precision + ", which the loaded libtorch"
                    + " or " + device + " does not support");
        }
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

    /**
     * One forward over a batch of images of one kind (all pixels, or all normalised), in order.
     * Served as it was measured: with test-time augmentation the mirror's probabilities are
     * averaged in, and the logits are then the log of that average, so that their softmax is
     * always the probabilities served.
     */
    List<ImageScores> scores(List<ImageInput> images) {
        try (NDManager batch = model.getNDManager().newSubManager()) {
            NDArray input = images.get(0).isNormalized() ? normalized(images, batch) : pixels(images, batch);
            NDArray logits = forward(input);
            boolean augmented = checkpoint.manifest().testTimeAugmentation();
            NDArray logProbabilities = ClassProbabilities.log(logits, augmented ? forward(input.flip(3)) : null);
            float[] probabilities = logProbabilities.exp().toFloatArray();
            float[] served = (augmented ? logProbabilities : logits).toFloatArray();
            int classes = classes().size();
            List<ImageScores> rows = new ArrayList<>(images.size());
            for (int i = 0; i < images.size(); i++) {
                rows.add(new ImageScores(Arrays.copyOfRange(served, i * classes, (i + 1) * classes),
                        Arrays.copyOfRange(probabilities, i * classes, (i + 1) * classes)));
            }
            return rows;
        }
    }

    private NDArray forward(NDArray images) {
        try (Autocast autocast = Autocast.enter(precision, images.getDevice())) {
            return Autocast.fp32(model.getBlock().forward(parameters, new NDList(images), false).singletonOrThrow());
        }
    }

    private NDArray pixels(List<ImageInput> images, NDManager batch) {
        ByteBuffer pixels = ByteBuffer.allocateDirect(images.size() * ImageStore.IMAGE_BYTES)
                .order(ByteOrder.nativeOrder());
        images.forEach(image -> pixels.put(image.pixels()));
        pixels.flip();
        return normalizer.images(pixels, images.size(), batch);
    }

    private NDArray normalized(List<ImageInput> images, NDManager batch) {
        FloatBuffer values = ByteBuffer.allocateDirect(images.size() * ImageStore.IMAGE_BYTES * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        images.forEach(image -> values.put(image.normalized()));
        values.flip();
        return normalizer.normalized(values, images.size(), batch);
    }

    @Override
    public void close() {
        model.close();
    }
}
