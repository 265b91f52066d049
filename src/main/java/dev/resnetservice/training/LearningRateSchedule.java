package dev.resnetservice.training;

import ai.djl.training.tracker.Tracker;
import java.util.List;

/**
 * The learning rate as a pure function of the step (airbench's habit), so a resumed run, which
 * continues DJL's update count, continues the schedule exactly. Step s (0-based) of T:
 * <ul>
 * <li>warm-up, s &lt; W: peak * (s + 1) / W</li>
 * <li>constant: peak</li>
 * <li>cosine: peak * (1 + cos(pi * p)) / 2, with p = (s - W) / (T - W)</li>
 * <li>onecycle: peak * (1 - p), a straight line to 0 (the triangle of Smith's one-cycle)</li>
 * </ul>
 */
public record LearningRateSchedule(String name, double peak, int warmupSteps, int totalSteps) implements Tracker {

    public static final String CONSTANT = "constant";
    public static final String COSINE = "cosine";
    public static final String ONECYCLE = "onecycle";
    public static final List<String> NAMES = List.of(CONSTANT, COSINE, ONECYCLE);

    public LearningRateSchedule {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown schedule '" + name + "', expected one of " + NAMES);
        }
    }

    /** The recipe's schedule over its epochs of {@code stepsPerEpoch} steps. */
    public static LearningRateSchedule of(TrainingRecipe recipe, int stepsPerEpoch) {
        return new LearningRateSchedule(recipe.schedule().name(), recipe.optimizer().learningRate(),
                (int) Math.round(recipe.schedule().warmupEpochs() * stepsPerEpoch), recipe.epochs() * stepsPerEpoch);
    }

    /** The rate of step {@code step}, counted from 0 over the whole run. */
    public double at(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        return switch (name) {
            case COSINE -> peak * (1 + Math.cos(Math.PI * progress)) / 2;
            case ONECYCLE -> peak * (1 - progress);
            default -> peak;
        };
    }

    /** DJL counts updates from 1. */
    @Override
    public float getNewValue(int numUpdate) {
        return (float) at(numUpdate - 1);
    }
}
