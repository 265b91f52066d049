package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class TrainingRunTest {

    @Test
    void evaluatesTheSeedStemAtTheRecipesBatchOnTheCpu() {
        assertEquals(512, TrainingRun.evalBatchSize(TrainingRecipe.seed(), Device.cpu()));
    }

    @Test
    void capsTheCifarStemsEvaluationBatchOnTheCpuOnly() {
        // 64 maps of 32x32 floats are 256 KiB an image: 128 images fill the 32 MiB.
        assertEquals(128, TrainingRun.evalBatchSize(TrainingRecipe.fast(), Device.cpu()));
        assertEquals(1024, TrainingRun.evalBatchSize(TrainingRecipe.fast(), Device.gpu()));
    }

    @Test
    void estimatesTheRestOfTheJobFromTheLastEpochOnceOneHasEnded() {
        // 10 s of training left, then this epoch's 8 s evaluation, then two 50 s epochs.
        assertEquals(118, TrainingRun.jobEtaSeconds(10, 40, 2, new TrainingRun.EpochTime(50, 8), 0.2), 1e-9);
    }

    @Test
    void pricesTheFirstEpochsEvaluationPerImageLikeItsTraining() {
        // 40 s to train 5 images for each test image: 8 s to evaluate, 48 s for the epoch after.
        assertEquals(86, TrainingRun.jobEtaSeconds(30, 40, 1, null, 0.2), 1e-9);
    }
}
