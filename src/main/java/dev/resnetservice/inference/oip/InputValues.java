package dev.resnetservice.inference.oip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.web.InvalidRequestException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The values of a REST request's one input, from its JSON {@code data} (flat or nested, row-major)
 * or from the binary part, checked against the count its shape gives. In JSON, BYTES elements are
 * base64 strings: encoded images are not text.
 */
final class InputValues implements TensorValues {

    private static final String DATA = "inputs.data";
    private static final String SIZE = "inputs.parameters.binary_data_size";

    private final InferenceRequest.Input input;
    private final RawValues binary;
    private final int count;

    /** @param count how many values the input's shape holds (elements, for BYTES) */
    InputValues(InferenceRequest.Input input, ByteBuffer binary, int count) {
        boolean hasData = input.data() != null && !input.data().isNull();
        if (hasData == (input.binarySize() != null)) {
            throw new InvalidRequestException(DATA, "give " + input.name() + "'s values either in data or in the"
                    + " binary part (parameters.binary_data_size), not " + (hasData ? "both" : "neither"));
        }
        if (input.binarySize() == null && binary.hasRemaining()) {
            throw new InvalidRequestException(SIZE, binary.remaining() + " bytes follow the JSON header, but "
                    + input.name() + " has its values in data");
        }
        if (input.binarySize() != null && input.binarySize() != binary.remaining()) {
            throw new InvalidRequestException(SIZE, binary.remaining() + " bytes follow the JSON header, but "
                    + input.name() + " says " + input.binarySize());
        }
        this.input = input;
        this.binary = hasData ? null : new RawValues(binary, input, count, SIZE, "binary_data_size");
        this.count = count;
    }

    @Override
    public byte[] uint8() {
        if (binary != null) {
            return binary.uint8();
        }
        byte[] values = new byte[count];
        List<JsonNode> leaves = leaves();
        for (int i = 0; i < count; i++) {
            JsonNode value = leaves.get(i);
            if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 0 || value.intValue() > 255) {
                throw new InvalidRequestException(DATA, "UINT8 values are whole numbers 0..255; value " + i + " is " + value);
            }
            values[i] = (byte) value.intValue();
        }
        return values;
    }

    @Override
    public float[] fp32() {
        if (binary != null) {
            return binary.fp32();
        }
        float[] values = new float[count];
        List<JsonNode> leaves = leaves();
        for (int i = 0; i < count; i++) {
            if (!leaves.get(i).isNumber()) {
                throw new InvalidRequestException(DATA, "FP32 values are numbers; value " + i + " is " + leaves.get(i));
            }
            values[i] = leaves.get(i).floatValue();
        }
        return values;
    }

    @Override
    public List<byte[]> bytes() {
        if (binary != null) {
            return binary.bytes();
        }
        List<byte[]> elements = new ArrayList<>(count);
        List<JsonNode> leaves = leaves();
        for (int i = 0; i < count; i++) {
            try {
                elements.add(Base64.getDecoder().decode(leaves.get(i).textValue()));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new InvalidRequestException(DATA, "BYTES values in JSON are base64 strings; value " + i + " is not");
            }
        }
        return elements;
    }

    /** The data's values in row-major order, however deeply nested, as many as the shape holds. */
    private List<JsonNode> leaves() {
        List<JsonNode> leaves = new ArrayList<>(count);
        collect(input.data(), leaves);
        if (leaves.size() != count) {
            throw new InvalidRequestException(DATA, input.name() + " of shape " + input.shape() + " holds " + count
                    + " values, data has " + leaves.size());
        }
        return leaves;
    }

    private void collect(JsonNode node, List<JsonNode> leaves) {
        if (!node.isArray()) {
            leaves.add(node);
            return;
        }
        for (JsonNode element : node) {
            if (leaves.size() > count) {
                return; // too many already; leaves() says so without reading the rest
            }
            collect(element, leaves);
        }
    }
}
