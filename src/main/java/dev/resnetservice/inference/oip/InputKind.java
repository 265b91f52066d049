package dev.resnetservice.inference.oip;

import dev.resnetservice.web.InvalidRequestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The inputs a model takes, one per request: a name, a datatype and the shape of one image. */
enum InputKind {
    /** Raw RGB, HWC as images are stored: the service normalises as /predict does. */
    PIXELS("pixels", "UINT8", 32, 32, 3),
    /** Already normalised with the model's mean and std, CHW as the network takes it (Triton's image client). */
    INPUT("input", "FP32", 3, 32, 32),
    /** Encoded PNG, JPEG, BMP or GIF files, decoded and resized as /predict does. */
    IMAGES("images", "BYTES");

    static final String NAMES = "pixels (UINT8 [N,32,32,3]), input (FP32 [N,3,32,32]) or images (BYTES [N])";

    final String tensorName;
    final String datatype;
    private final List<Long> imageShape;

    InputKind(String tensorName, String datatype, long... imageShape) {
        this.tensorName = tensorName;
        this.datatype = datatype;
        this.imageShape = Arrays.stream(imageShape).boxed().toList();
    }

    static Optional<InputKind> named(String name) {
        return Arrays.stream(values()).filter(kind -> kind.tensorName.equals(name)).findFirst();
    }

    /** Values per image: 3072 for pixels and input, one file for images. */
    int valuesPerImage() {
        return (int) imageShape.stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
    }

    TensorMetadata metadata() {
        List<Long> shape = new ArrayList<>(List.of(-1L));
        shape.addAll(imageShape);
        return new TensorMetadata(tensorName, datatype, shape);
    }

    /** The batch size of a tensor of this shape; a shape of another form is a 400 saying which it needs. */
    int batch(List<Long> shape) {
        if (shape == null || shape.contains(null) || shape.size() != imageShape.size() + 1 || !shape.subList(1, shape.size()).equals(imageShape)
                || shape.get(0) < 1 || shape.get(0) > Integer.MAX_VALUE) {
            String wanted = metadata().shape().toString().replace("-1", "N").replace(" ", "");
            throw new InvalidRequestException("inputs.shape", tensorName + " takes shape " + wanted
                    + " with N >= 1, got " + shape);
        }
        return shape.get(0).intValue();
    }
}
