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
}
