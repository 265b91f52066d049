package dev.resnetservice.inference;

/**
 * What one forward gives for one image: class probabilities, and logits whose softmax they are
 * (with test-time augmentation the log of the averaged probabilities, see ServedModel).
 */
public record ImageScores(float[] logits, float[] probabilities) {
}
