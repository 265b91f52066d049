package dev.resnetservice.inference.oip;

import static dev.resnetservice.testdata.JobApi.data;
import static io.restassured.RestAssured.given;

import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.testdata.TestImages;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Test images as the protocol's inputs take them, for the REST and the gRPC tests alike. */
final class OipTensors {

    private OipTensors() {
    }

    /** Test image {@code index} as RGB rows (HWC), as a camera or PIL gives them. */
    static byte[] hwc(int index) {
        return TestImages.hwc(Cifar10Reader.read(data()).test().image(index));
    }

    /** Test images 0 to {@code count - 1} as one NHWC batch. */
    static byte[] hwcBatch(int count) {
        byte[] batch = new byte[count * 3072];
        for (int i = 0; i < count; i++) {
            System.arraycopy(hwc(i), 0, batch, i * 3072, 3072);
        }
        return batch;
    }

    /** CHW, normalised with the statistics the model's metadata gives, in the float arithmetic the service uses. */
    static float[] normalizedValues(int index, String job) {
        List<Double> mean = given().get("/v2/models/" + job).then().extract().jsonPath().getList("parameters.mean", Double.class);
        List<Double> std = given().get("/v2/models/" + job).then().extract().jsonPath().getList("parameters.std", Double.class);
        byte[] chw = Cifar10Reader.read(data()).test().image(index);
        float[] values = new float[chw.length];
        for (int i = 0; i < chw.length; i++) {
            int c = i / 1024;
            float scale = (float) (1.0 / (255.0 * std.get(c)));
            float shift = (float) (mean.get(c) / std.get(c));
            values[i] = (chw[i] & 0xff) * scale - shift;
        }
        return values;
    }

    static byte[] littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes.array();
    }
}
