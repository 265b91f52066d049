package dev.resnetservice.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How close bf16 logits must be to fp32's. bf16 keeps 8 significant bits (relative rounding 2^-9);
 * ResNet18's 20 layers of it, measured: the largest logit difference was 0.7-1.8 % of the largest
 * logit. 5 % still catches a wrong kernel.
 */
public final class Bf16Tolerance {

    public static final float OF_LARGEST_LOGIT = 0.05f;

    private Bf16Tolerance() {
    }

    /** @param smallestScale the largest expected logit must exceed this, or nothing is told apart */
    public static void assertClose(float[] expected, float[] actual, float smallestScale) {
        float scale = 0;
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > smallestScale, "logits too small to tell anything apart: " + scale);
        assertTrue(worst <= OF_LARGEST_LOGIT * scale, "largest difference " + worst + " at logit scale " + scale);
    }
}
