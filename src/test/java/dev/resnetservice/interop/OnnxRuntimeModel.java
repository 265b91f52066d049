package dev.resnetservice.interop;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.data.Normalization;
import java.nio.FloatBuffer;
import java.util.Map;

/** An ONNX file in ONNX Runtime on the CPU, with default session options, as a user's program would run it. */
final class OnnxRuntimeModel implements AutoCloseable {

    private static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();

    private final OrtSession session;

    OnnxRuntimeModel(byte[] onnx) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // Idle pool threads sleep instead of spinning: in one JVM with libtorch (OnnxBenchmark)
            // spinning ones took the cores from libtorch's OpenMP threads.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            this.session = ENVIRONMENT.createSession(onnx, options);
        }
    }

    /** The input the export takes from 32x32 CHW uint8 images: /255, then (x - mean) / std per channel, as the service's. */
    static float[] input(byte[] pixels, Normalization normalization) {
        int plane = ImageStore.IMAGE_BYTES / 3;
        float[] images = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            int channel = i / plane % 3;
            float value = (pixels[i] & 0xff) / 255f;
            images[i] = (float) ((value - normalization.mean().get(channel)) / normalization.std().get(channel));
        }
        return images;
    }

    OrtSession session() {
        return session;
    }

    /** Logits, row after row, of {@code count} normalised 3x32x32 images (NCHW floats). */
    float[] logits(float[] images, int count) throws OrtException {
        try (OnnxTensor input = OnnxTensor.createTensor(ENVIRONMENT, FloatBuffer.wrap(images),
                new long[] {count, 3, 32, 32});
                OrtSession.Result result = session.run(Map.of(OnnxModel.INPUT, input))) {
            FloatBuffer logits = ((OnnxTensor) result.get(OnnxModel.OUTPUT).orElseThrow()).getFloatBuffer();
            float[] rows = new float[logits.remaining()];
            logits.get(rows);
            return rows;
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
