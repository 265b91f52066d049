package dev.resnetservice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Iterator;
import java.util.List;

/**
 * Fills a {@link ResNet18#buildFolded} network from a trained one. In eval mode a BatchNorm is
 * y = gamma * (x - mean) / sqrt(var + eps) + beta, a per-channel affine map, so with
 * s = gamma / sqrt(var + eps) the conv before it becomes W' = W * s (per output channel) with
 * bias b' = beta - mean * s. Serving then skips one full pass over every activation. Where the
 * folded conv is smaller than the trained one, it gets the taps that meet its input.
 */
public final class BatchNormFolding {

    /** DJL's BatchNorm default, which {@link ResNet18} keeps. */
    private static final float EPSILON = 1e-5f;

    private BatchNormFolding() {
    }

    /**
     * Computed where the arrays lie (no trip through host memory); the folded network gets arrays
     * of its own, so training the source afterwards leaves it as folded.
     *
     * @param trained an initialised, loaded ResNet18; @param folded its initialised folded twin
     */
    public static void fold(List<Parameter> trained, List<Parameter> folded) {
        Iterator<Parameter> from = trained.iterator();
        Iterator<Parameter> to = folded.iterator();
        while (from.hasNext()) {
            Parameter source = from.next();
            NDArray target = to.next().getArray();
            NDArray array = source.getArray();
            // Results land in their inputs' manager: lend the inputs to one that frees them.
            try (NDManager scratch = array.getManager().newSubManager()) {
                if (source.getType() == Parameter.Type.WEIGHT && array.getShape().dimension() == 4) {
                    NDArray weight = array;
                    NDArray gamma = from.next().getArray();
                    NDArray beta = from.next().getArray();
                    NDArray mean = from.next().getArray();
                    NDArray variance = from.next().getArray();
                    scratch.tempAttachAll(new NDList(weight, gamma, beta, mean, variance));
                    NDArray scale = gamma.div(variance.add(EPSILON).sqrt());
                    target.intern(taps(weight, target.getShape().get(2)).mul(scale.reshape(-1, 1, 1, 1)));
                    to.next().getArray().intern(beta.sub(mean.mul(scale)));
                } else {
                    scratch.tempAttachAll(new NDList(array));
                    target.intern(array.duplicate());
                }
            }
        }
        if (to.hasNext()) {
            throw new IllegalArgumentException("the folded network has parameters the trained one lacks: "
                    + to.next().getName());
        }
    }

    /**
     * The {@code side} x {@code side} taps a cut folded conv keeps ({@link ResNet18}): those that
     * meet its input behind the padding of a same-size conv, (kernel - 1) / 2.
     */
    private static NDArray taps(NDArray weight, long side) {
        long kernel = weight.getShape().get(2);
        if (side == kernel) {
            return weight;
        }
        long padding = (kernel - 1) / 2;
        return KernelCroppingConv2d.coveredTaps(weight, padding, padding, side, side);
    }
}
