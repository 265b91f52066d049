package dev.resnetservice.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * NCHW arrays in the two memory layouts libtorch computes in. DJL has no memory-format call, so a
 * layout is made as a copy in the wanted order, seen through an NCHW-shaped view.
 */
public final class MemoryLayout {

    private MemoryLayout() {
    }

    /** The same values, NHWC in memory (libtorch's channels-last). */
    public static NDArray channelsLast(NDArray nchw) {
        Shape shape = nchw.getShape();
        NDArray nhwc = nchw.transpose(0, 2, 3, 1).reshape(-1)
                .reshape(shape.get(0), shape.get(2), shape.get(3), shape.get(1));
        return nhwc.transpose(0, 3, 1, 2);
    }

    /** The same values, NCHW in memory: reshape copies only when the layout is another. */
    public static NDArray plain(NDArray nchw) {
        return nchw.reshape(-1).reshape(nchw.getShape());
    }
}
