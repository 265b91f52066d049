package dev.resnetservice.inference.oip;

import com.google.protobuf.ByteString;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.InferTensorContents;
import dev.resnetservice.web.InvalidRequestException;
import java.util.List;

/** A gRPC input's values in the typed field of its datatype (uint_contents, fp32_contents, bytes_contents). */
final class ContentsValues implements TensorValues {

    private final InferTensorContents contents;
    private final InferenceRequest.Input input;
    private final int count;

    ContentsValues(InferTensorContents contents, InferenceRequest.Input input, int count) {
        this.contents = contents;
        this.input = input;
        this.count = count;
    }

    @Override
    public byte[] uint8() {
        List<Integer> values = require(contents.getUintContentsList(), "uint_contents");
        byte[] pixels = new byte[count];
        for (int i = 0; i < count; i++) {
            int value = values.get(i);
            if (value < 0 || value > 255) {
                throw new InvalidRequestException("inputs.contents.uint_contents", "UINT8 values are 0..255; value "
                        + i + " is " + Integer.toUnsignedString(value));
            }
            pixels[i] = (byte) value;
        }
        return pixels;
    }

    @Override
    public float[] fp32() {
        List<Float> values = require(contents.getFp32ContentsList(), "fp32_contents");
        float[] floats = new float[count];
        for (int i = 0; i < count; i++) {
            floats[i] = values.get(i);
        }
        return floats;
    }

    @Override
    public List<byte[]> bytes() {
        return require(contents.getBytesContentsList(), "bytes_contents").stream().map(ByteString::toByteArray).toList();
    }

    private <T> List<T> require(List<T> values, String field) {
        if (values.size() != count) {
            throw new InvalidRequestException("inputs.contents." + field, input.name() + " of shape " + input.shape()
                    + " holds " + count + " values, " + field + " has " + values.size()
                    + " (or send them in raw_input_contents)");
        }
        return values;
    }
}
