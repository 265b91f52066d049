package dev.resnetservice.interop;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** The service's side of an ONNX comparison: the folded network's eval-mode forward in DJL, as ServedModel runs it. */
final class Logits {

    private Logits() {
    }

    /** Logits, row after row, of {@code count} normalised 3x32x32 images (NCHW floats). */
    static float[] djl(Block folded, NDManager manager, float[] images, int count) {
        try (NDManager batch = manager.newSubManager()) {
            var input = batch.create(images, new Shape(count, 3, 32, 32));
            return folded.forward(new ParameterStore(batch, false), new NDList(input), false)
                    .singletonOrThrow().toFloatArray();
        }
    }

    static float largestDifference(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("expected " + expected.length + " logits, got " + actual.length);
        }
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        return worst;
    }
}
