package dev.resnetservice.datasets;

import dev.resnetservice.data.ImageStore;
import dev.resnetservice.data.Normalization;
import java.util.ArrayList;
import java.util.List;

/** Per-channel mean and (population) std of CHW uint8 images, as the network sees them (0..1). */
final class ChannelStatistics {

    private static final int PLANE = ImageStore.HEIGHT * ImageStore.WIDTH;

    private final double[] sum = new double[3];
    private final double[] squares = new double[3];
    private long images;

    void add(byte[] chw) {
        for (int channel = 0; channel < 3; channel++) {
            long s = 0;
            long q = 0;
            for (int i = channel * PLANE; i < (channel + 1) * PLANE; i++) {
                int value = Byte.toUnsignedInt(chw[i]);
                s += value;
                q += (long) value * value;
            }
            sum[channel] += s;
            squares[channel] += q;
        }
        images++;
    }

    Normalization normalization() {
        long pixels = images * PLANE;
        List<Double> mean = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (int channel = 0; channel < 3; channel++) {
            double m = sum[channel] / pixels / 255;
            double variance = squares[channel] / pixels / (255.0 * 255) - m * m;
            mean.add(round(m));
            std.add(round(Math.max(Math.sqrt(Math.max(variance, 0)), 1e-3))); // a flat channel must not divide by 0
        }
        return new Normalization(mean, std);
    }

    private static double round(double value) {
        return Math.round(value * 1e4) / 1e4;
    }
}
