package dev.resnetservice.inference.oip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.web.InvalidRequestException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The values of the request's one input, from its JSON {@code data} (flat or nested, row-major)
 * or from the binary part, checked against the count its shape gives. In JSON, BYTES elements are
 * base64 strings: encoded images are not text.
 */
final class InputValues {

    private static final String DATA = "inputs.data";
    private static final String SIZE = "inputs.parameters.binary_data_size";

    private final InferenceRequest.Input input;
    private final ByteBuffer binary;
    private final int count;

    /** @param count how many values the input's shape holds (elements, for BYTES) */
    InputValues(InferenceRequest.Input input, ByteBuffer binary, int count) {
        if (input.binarySize() == null && binary.hasRemaining()) {
            throw new InvalidRequestException(SIZE, binary.remaining() + " bytes follow the JSON header, but "
                    + input.name() + " has its values in data");
        }
        if (input.binarySize() != null && input.binarySize() != binary.remaining()) {
            throw new InvalidRequestException(SIZE, binary.remaining() + " bytes follow the JSON header, but "
                    + input.name() + " says " + input.binarySize());
        }
        this.input = input;
        this.binary = binary;
        this.count = count;
    }

    byte[] uint8() {
        byte[] values = new byte[count];
        if (input.binarySize() != null) {
            requireBinaryBytes(count);
            binary.get(values);
            return values;
        }
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

    float[] fp32() {
        float[] values = new float[count];
        if (input.binarySize() != null) {
            requireBinaryBytes((long) count * Float.BYTES);
            binary.asFloatBuffer().get(values);
        } else {
            List<JsonNode> leaves = leaves();
            for (int i = 0; i < count; i++) {
                if (!leaves.get(i).isNumber()) {
                    throw new InvalidRequestException(DATA, "FP32 values are numbers; value " + i + " is " + leaves.get(i));
                }
                values[i] = leaves.get(i).floatValue();
            }
        }
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(values[i])) {
                throw new InvalidRequestException(DATA, "FP32 value " + i + " is " + values[i]);
            }
        }
        return values;
    }

    /** BYTES elements: in the binary part each is a 4-byte little-endian length and that many bytes. */
    List<byte[]> bytes() {
        List<byte[]> elements = new ArrayList<>(count);
        if (input.binarySize() != null) {
            for (int i = 0; i < count; i++) {
                if (binary.remaining() < Integer.BYTES) {
                    throw new InvalidRequestException(SIZE, "the binary part ends before BYTES element " + i + " of " + count);
                }
                int length = binary.getInt();
                if (length < 0 || length > binary.remaining()) {
                    throw new InvalidRequestException(SIZE, "BYTES element " + i + " claims " + Integer.toUnsignedString(length)
                            + " bytes, " + binary.remaining() + " are left");
                }
                byte[] element = new byte[length];
                binary.get(element);
                elements.add(element);
            }
            if (binary.hasRemaining()) {
                throw new InvalidRequestException(SIZE, binary.remaining() + " bytes are left after the " + count
                        + " BYTES elements the shape holds");
            }
            return elements;
        }
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

    private void requireBinaryBytes(long bytes) {
        if (binary.remaining() != bytes) {
            throw new InvalidRequestException(SIZE, input.name() + " of shape " + input.shape() + " is " + bytes
                    + " bytes of " + input.datatype() + ", but binary_data_size is " + binary.remaining());
        }
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
