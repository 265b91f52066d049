package dev.resnetservice.inference.oip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One output of an answer, row-major: FP32 values, or BYTES strings (the classification extension). */
record OutputTensor(String name, List<Long> shape, float[] floats, List<String> strings) {

    String datatype() {
        return floats != null ? "FP32" : "BYTES";
    }

    JsonNode json() {
        ArrayNode data = JsonNodeFactory.instance.arrayNode();
        if (floats != null) {
            for (float value : floats) {
                data.add(value);
            }
        } else {
            strings.forEach(data::add);
        }
        return data;
    }

    /** FP32 little-endian; each BYTES element as a 4-byte little-endian length and its UTF-8. */
    byte[] binary() {
        if (floats != null) {
            ByteBuffer bytes = ByteBuffer.allocate(floats.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(floats);
            return bytes.array();
        }
        List<byte[]> elements = strings.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        ByteBuffer bytes = ByteBuffer.allocate(elements.stream().mapToInt(e -> Integer.BYTES + e.length).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        elements.forEach(element -> bytes.putInt(element.length).put(element));
        return bytes.array();
    }
}
