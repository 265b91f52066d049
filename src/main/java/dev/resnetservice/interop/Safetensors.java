package dev.resnetservice.interop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte range (plus string
 * {@code __metadata__}), padded with spaces to a multiple of 8, then the tensors' little-endian bytes
 * in header order.
 */
public final class Safetensors {

    /** One tensor: F32 data, or one I64 value (a scalar, such as BatchNorm's num_batches_tracked). */
    public record Tensor(String name, long[] shape, float[] f32, Long i64) {

        public static Tensor f32(String name, long[] shape, float[] data) {
            return new Tensor(name, shape, data, null);
        }

        public static Tensor i64Scalar(String name, long value) {
            return new Tensor(name, new long[0], null, value);
        }

        long bytes() {
            return f32 != null ? 4L * f32.length : 8L;
        }
    }

    private Safetensors() {
    }

    public static void write(List<Tensor> tensors, Map<String, String> metadata, OutputStream out, ObjectMapper mapper)
            throws IOException {
        ObjectNode header = mapper.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (Tensor tensor : tensors) {
            ObjectNode entry = header.putObject(tensor.name());
            entry.put("dtype", tensor.f32() != null ? "F32" : "I64");
            var shape = entry.putArray("shape");
            for (long side : tensor.shape()) {
                shape.add(side);
            }
            entry.putArray("data_offsets").add(offset).add(offset + tensor.bytes());
            offset += tensor.bytes();
        }
        byte[] json = mapper.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.write(length.array());
        out.write(json);
        out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
        for (Tensor tensor : tensors) {
            ByteBuffer data = ByteBuffer.allocate((int) tensor.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            if (tensor.f32() != null) {
                data.asFloatBuffer().put(tensor.f32());
            } else {
                data.putLong(tensor.i64());
            }
            out.write(data.array());
        }
    }
}
