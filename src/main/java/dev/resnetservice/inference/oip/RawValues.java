package dev.resnetservice.inference.oip;

import dev.resnetservice.web.InvalidRequestException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A tensor's values as raw bytes, laid out as the binary tensor extension and gRPC's
 * raw_input_contents both lay them out: row-major, little-endian, no padding; a BYTES element is
 * a 4-byte little-endian length and that many bytes.
 */
final class RawValues implements TensorValues {

    private final ByteBuffer raw;
    private final InferenceRequest.Input input;
    private final int count;
    private final String field;
    private final String source;

    /**
     * @param raw little-endian, positioned at the tensor's first byte, ending at its last
     * @param field the request field a mistake is reported against
     * @param source what carried the bytes, as an error message names it
     */
    RawValues(ByteBuffer raw, InferenceRequest.Input input, int count, String field, String source) {
        this.raw = raw;
        this.input = input;
        this.count = count;
        this.field = field;
        this.source = source;
    }

    @Override
    public byte[] uint8() {
        byte[] values = new byte[count];
        requireBytes(count);
        raw.get(values);
        return values;
    }

    @Override
    public float[] fp32() {
        float[] values = new float[count];
        requireBytes((long) count * Float.BYTES);
        raw.asFloatBuffer().get(values);
        return values;
    }

    @Override
    public List<byte[]> bytes() {
        List<byte[]> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (raw.remaining() < Integer.BYTES) {
                throw new InvalidRequestException(field, source + " ends before BYTES element " + i + " of " + count);
            }
            int length = raw.getInt();
            if (length < 0 || length > raw.remaining()) {
                throw new InvalidRequestException(field, "BYTES element " + i + " claims " + Integer.toUnsignedString(length)
                        + " bytes, " + raw.remaining() + " are left");
            }
            byte[] element = new byte[length];
            raw.get(element);
            elements.add(element);
        }
        if (raw.hasRemaining()) {
            throw new InvalidRequestException(field, raw.remaining() + " bytes are left after the " + count
                    + " BYTES elements the shape holds");
        }
        return elements;
    }

    private void requireBytes(long bytes) {
        if (raw.remaining() != bytes) {
            throw new InvalidRequestException(field, input.name() + " of shape " + input.shape() + " is " + bytes
                    + " bytes of " + input.datatype() + ", but " + source + " is " + raw.remaining());
        }
    }
}
