package dev.resnetservice.inference.oip;

import java.util.List;

/**
 * The values of a request's one input, however its protocol carried them (JSON data, the binary
 * part, gRPC's raw or typed contents), as many as its shape holds; each reading checks that count.
 */
interface TensorValues {

    byte[] uint8();

    float[] fp32();

    /** BYTES elements, one encoded image each. */
    List<byte[]> bytes();
}
