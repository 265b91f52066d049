package dev.resnetservice.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.data.ImageStore;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCifar10Test {

    @TempDir
    Path dir;

    @Test
    void givesEveryTrainFileARecordAndBalancedLabels() throws Exception {
        SyntheticCifar10.write(dir, 5, 10, 0);
        for (String name : Cifar10Reader.TRAIN_FILES) {
            assertEquals(Cifar10Reader.RECORD_BYTES, Files.size(dir.resolve(name)), name);
        }
        ImageDataset data = Cifar10Reader.read(dir);
        for (int i = 0; i < data.test().size(); i++) {
            assertEquals(i % 10, data.test().label(i));
        }
    }

    @Test
    void isSeparableByNearestClassMean() {
        ImageDataset data = Cifar10Reader.read(SyntheticCifar10.write(dir, 200, 100, 3));
        double[][] means = new double[10][ImageStore.IMAGE_BYTES];
        int[] counts = new int[10];
        for (int i = 0; i < data.train().size(); i++) {
            int label = data.train().label(i);
            byte[] image = image(data.train(), i);
            for (int p = 0; p < image.length; p++) {
                means[label][p] += Byte.toUnsignedInt(image[p]);
            }
            counts[label]++;
        }
        int correct = 0;
        for (int i = 0; i < data.test().size(); i++) {
            byte[] image = image(data.test(), i);
            int best = 0;
            double bestDistance = Double.MAX_VALUE;
            for (int c = 0; c < 10; c++) {
                double distance = 0;
                for (int p = 0; p < image.length; p++) {
                    double d = Byte.toUnsignedInt(image[p]) - means[c][p] / counts[c];
                    distance += d * d;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = c;
                }
            }
            correct += best == data.test().label(i) ? 1 : 0;
        }
        assertTrue(correct >= 99, correct + " of 100 right");
    }

    private static byte[] image(ImageStore store, int index) {
        ByteBuffer buffer = ByteBuffer.allocate(ImageStore.IMAGE_BYTES);
        store.copyImage(index, buffer);
        return buffer.array();
    }
}
