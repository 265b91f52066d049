package dev.resnetservice.interop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte range (plus string
 * {@code __metadata__}), padded with spaces to a multiple of 8, then the tensors' little-endian bytes
 * in header order.
 */
public final class Safetensors {

    /** Bytes per element of each dtype the format defines. */
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(Map.entry("BOOL", 1), Map.entry("U8", 1),
            Map.entry("I8", 1), Map.entry("F8_E5M2", 1), Map.entry("F8_E4M3", 1), Map.entry("I16", 2),
            Map.entry("U16", 2), Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4),
            Map.entry("F32", 4), Map.entry("F64", 8), Map.entry("I64", 8), Map.entry("U64", 8));
    /** The format's own bound on the header, against a length field that would make us read gigabytes. */
    private static final long MAX_HEADER = 100_000_000;

    /**
     * One tensor: F32 data, or I64 data (BatchNorm's num_batches_tracked is an I64 scalar); a tensor
     * read with another dtype carries neither, only its dtype and shape.
     */
    public record Tensor(String name, String dtype, long[] shape, float[] f32, long[] i64) {

        public static Tensor f32(String name, long[] shape, float[] data) {
            return new Tensor(name, "F32", shape, data, null);
        }

        public static Tensor i64Scalar(String name, long value) {
            return new Tensor(name, "I64", new long[0], null, new long[] {value});
        }

        long bytes() {
            return f32 != null ? 4L * f32.length : 8L * i64.length;
        }

        public String shapeText() {
            return Arrays.toString(shape);
        }
    }

    /** What a file holds: its metadata and its tensors, in the header's order. */
    public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {
    }

    /** A file that is not safetensors: too short, a header that is not the format's JSON, offsets outside the file. */
    public static class FormatException extends Exception {
        FormatException(String message) {
            super(message);
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
            entry.put("dtype", tensor.dtype());
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
                data.asLongBuffer().put(tensor.i64());
            }
            out.write(data.array());
        }
    }

    /** Reads a whole file, checking its header against the format and its length. */
    public static Contents read(byte[] file, ObjectMapper mapper) throws FormatException {
        if (file.length < 8) {
            throw new FormatException("not a safetensors file: " + file.length + " bytes, shorter than its 8-byte header length");
        }
        long length = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (length < 2 || length > MAX_HEADER || length > file.length - 8) {
            throw new FormatException("not a safetensors file: its first 8 bytes give a header of " + length
                    + " bytes in a file of " + file.length);
        }
        JsonNode header;
        try {
            header = mapper.readTree(new String(file, 8, (int) length, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new FormatException("not a safetensors file: its header is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw new FormatException("not a safetensors file: its header is not a JSON object");
        }
        long base = 8 + length;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if ("__metadata__".equals(field.getKey())) {
                field.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
            } else {
                tensors.put(field.getKey(), tensor(field.getKey(), field.getValue(), file, base));
            }
        }
        return new Contents(metadata, tensors);
    }

    private static Tensor tensor(String name, JsonNode entry, byte[] file, long base) throws FormatException {
        String dtype = entry.path("dtype").asText();
        Integer size = DTYPE_BYTES.get(dtype);
        JsonNode shapeNode = entry.path("shape");
        JsonNode offsets = entry.path("data_offsets");
        if (size == null || !shapeNode.isArray() || offsets.size() != 2) {
            throw new FormatException("not a safetensors file: tensor " + name + " needs a known dtype, a shape and"
                    + " two data_offsets, got " + entry);
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            // Bounded by the file at every step, so a hostile shape cannot overflow the product.
            if (shape[i] < 0 || shape[i] > file.length || (elements *= shape[i]) > file.length) {
                throw new FormatException("tensor " + name + ": shape " + shapeNode + " does not fit in the file");
            }
        }
        long start = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (start < 0 || end < start || base + end > file.length || end - start != elements * size) {
            throw new FormatException("tensor " + name + ": data_offsets " + offsets + " do not hold " + elements
                    + " values of " + dtype + " within the file's " + (file.length - base) + " data bytes");
        }
        ByteBuffer data = ByteBuffer.wrap(file, (int) (base + start), (int) (end - start)).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case "F32" -> {
                float[] values = new float[(int) elements];
                data.asFloatBuffer().get(values);
                yield new Tensor(name, dtype, shape, values, null);
            }
            case "I64" -> {
                long[] values = new long[(int) elements];
                data.asLongBuffer().get(values);
                yield new Tensor(name, dtype, shape, null, values);
            }
            default -> new Tensor(name, dtype, shape, null, null);
        };
    }
}
