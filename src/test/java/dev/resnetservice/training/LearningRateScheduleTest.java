package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmUpRisesLinearlyToThePeak() {
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.ONECYCLE, 0.4, 10, 50);
        assertEquals(0.04, schedule.at(0), 1e-12);
        assertEquals(0.2, schedule.at(4), 1e-12);
        assertEquals(0.4, schedule.at(9), 1e-12);
    }

    @Test
    void oneCycleFallsInAStraightLineToZero() {
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.ONECYCLE, 0.4, 10, 50);
        assertEquals(0.4, schedule.at(10), 1e-12);
        assertEquals(0.4 * (1 - 20.0 / 40), schedule.at(30), 1e-12);
        assertEquals(0.4 * (1 - 39.0 / 40), schedule.at(49), 1e-12);
    }

    @Test
    void cosineFollowsHalfACosineToZero() {
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.COSINE, 0.1, 0, 100);
        assertEquals(0.1, schedule.at(0), 1e-12);
        assertEquals(0.05, schedule.at(50), 1e-12);
        assertEquals(0.1 * (1 + Math.cos(Math.PI * 0.75)) / 2, schedule.at(75), 1e-12);
    }

    @Test
    void constantStaysAtThePeakAfterWarmUp() {
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.CONSTANT, 0.01, 2, 100);
        assertEquals(0.005, schedule.at(0), 1e-12);
        assertEquals(0.01, schedule.at(2), 1e-12);
        assertEquals(0.01, schedule.at(99), 1e-12);
    }

    @Test
    void djlsUpdateCountStartsAtOne() {
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.ONECYCLE, 0.4, 10, 50);
        assertEquals((float) schedule.at(30), schedule.getNewValue(31));
    }

    @Test
    void theRecipesScheduleCountsItsEpochsInSteps() {
        LearningRateSchedule fast = LearningRateSchedule.of(TrainingRecipe.fast(), 98);
        assertEquals(new LearningRateSchedule(LearningRateSchedule.ONECYCLE, 0.4, 6 * 98, 30 * 98), fast);
    }
}
