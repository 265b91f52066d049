package dev.resnetservice.interop;

import static dev.resnetservice.testdata.JobApi.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.testdata.TestImages;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** /predict against PyTorch on the same four test images: as PNG uploads for one, as raw CHW bytes for the other. */
final class TorchComparison {

    static final int IMAGES = 4;

    private TorchComparison() {
    }

    /** Adds the images to {@code request} and writes them to {@code dir}/images.bin for the Python side. */
    static Path images(Path dir, RequestSpecification request) throws Exception {
        ImageStore test = Cifar10Reader.read(data()).test();
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        for (int i = 0; i < IMAGES; i++) {
            pixels.write(test.image(i));
            request.multiPart("image", "test-" + i + ".png", TestImages.png(TestImages.record(test, i)), "image/png");
        }
        return Files.write(dir.resolve("images.bin"), pixels.toByteArray());
    }

    /** The largest difference between /predict's probabilities (topk = every class) and PyTorch's rows. */
    static double largestDifference(JsonPath predicted, JsonNode probabilities, List<String> classes) {
        double worst = 0;
        for (int i = 0; i < IMAGES; i++) {
            List<Map<String, Object>> top = predicted.getList("predictions[" + i + "].top");
            for (Map<String, Object> score : top) {
                double ours = ((Number) score.get("probability")).doubleValue();
                double theirs = probabilities.get(i).get(classes.indexOf((String) score.get("label"))).asDouble();
                worst = Math.max(worst, Math.abs(ours - theirs));
            }
        }
        return worst;
    }
}
