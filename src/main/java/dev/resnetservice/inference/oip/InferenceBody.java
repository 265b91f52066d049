package dev.resnetservice.inference.oip;

import dev.resnetservice.web.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A request body split as the binary tensor extension lays it out: {@code
 * Inference-Header-Content-Length} bytes of JSON, then the tensors' raw little-endian bytes.
 * Without the header the whole body is JSON.
 */
record InferenceBody(byte[] json, ByteBuffer binary) {

    static final String HEADER = "Inference-Header-Content-Length";

    static InferenceBody of(byte[] body, String headerLength) {
        if (headerLength == null) {
            return new InferenceBody(body, ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN));
        }
        int length;
        try {
            length = Integer.parseInt(headerLength.trim());
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0 || length > body.length) {
            throw new InvalidRequestException(HEADER, "must be the length of the JSON header, 0.." + body.length
                    + " bytes in this body, got '" + headerLength + "'");
        }
        return new InferenceBody(Arrays.copyOf(body, length),
                ByteBuffer.wrap(body, length, body.length - length).slice().order(ByteOrder.LITTLE_ENDIAN));
    }
}
