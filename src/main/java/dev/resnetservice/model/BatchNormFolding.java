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
 * bias b' = beta - mean * s. Serving then skips one full pass over every activation.
 */
public final class BatchNormFolding {

    /** DJL's BatchNorm default, which {@link ResNet18} keeps. */
    private static final float EPSILON = 1e-5f;

    private BatchNormFolding() {
    }

    /** @param trained an initialised, loaded ResNet18; @param folded its initialised folded twin */
    public static void fold(List<Parameter> trained, List<Parameter> folded) {
        Iterator<Parameter> from = trained.iterator();
        Iterator<Parameter> to = folded.iterator();
        while (from.hasNext()) {
            Parameter source = from.next();
            Parameter target = to.next();
            if (source.getType() == Parameter.Type.WEIGHT && source.getArray().getShape().dimension() == 4) {
                NDArray weight = source.getArray();
                NDArray gamma = from.next().getArray();
                NDArray beta = from.next().getArray();
                NDArray mean = from.next().getArray();
                NDArray variance = from.next().getArray();
                // Results land in their inputs' manager: lend the inputs to one that frees them.
                try (NDManager scratch = weight.getManager().newSubManager()) {
                    scratch.tempAttachAll(new NDList(weight, gamma, beta, mean, variance));
                    NDArray scale = gamma.div(variance.add(EPSILON).sqrt());
                    target.getArray().set(weight.mul(scale.reshape(-1, 1, 1, 1)).toFloatArray());
                    to.next().getArray().set(beta.sub(mean.mul(scale)).toFloatArray());
                }
            } else {
                target.getArray().set(source.getArray().toFloatArray());
            }
        }
        if (to.hasNext()) {
            throw new IllegalArgumentException("the folded network has parameters the trained one lacks: "
                    + to.next().getName());
        }
    }
}
