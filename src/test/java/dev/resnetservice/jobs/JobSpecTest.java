package dev.resnetservice.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.training.Precision;
import dev.resnetservice.training.TrainingRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobSpecTest {

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JobSpec parse(String json) throws Exception {
        return mapper.readValue(json, JobSpec.class);
    }

    @Test
    void anEmptySpecIsTheSeedRecipe() throws Exception {
        JobSpec spec = parse("{}");
        assertEquals("seed", spec.recipe());
        assertEquals(new JobSpec.OptimizerSpec("adam", 0.01, 1e-4, null, null), spec.optimizer());
        assertEquals(new JobSpec.ScheduleSpec("constant", 0.0), spec.schedule());
        assertEquals(new JobSpec.AugmentSpec(0, false), spec.augment());
        assertEquals(0.0, spec.labelSmoothing());
        assertEquals(false, spec.tta());
        assertEquals(TrainingRecipe.seed(), spec.trainingRecipe());
    }

    @Test
    void theFastPresetFillsEveryField() throws Exception {
        JobSpec spec = parse("{\"recipe\": \"fast\"}");
        assertEquals("resnet18-cifar", spec.model());
        assertEquals(30, spec.epochs());
        assertEquals(512, spec.batchSize());
        assertEquals(new JobSpec.OptimizerSpec("sgd", 0.4, 5e-4, 0.9, true), spec.optimizer());
        assertEquals(new JobSpec.ScheduleSpec("onecycle", 6.0), spec.schedule());
        assertEquals(new JobSpec.AugmentSpec(4, true), spec.augment());
        assertEquals(0.1, spec.labelSmoothing());
        assertEquals(true, spec.tta());
        assertEquals(TrainingRecipe.fast(), spec.trainingRecipe());
    }

    @Test
    void everyPresetTrainsInFp32AndBf16IsOptIn() throws Exception {
        assertEquals("fp32", parse("{}").precision());
        assertEquals("fp32", parse("{\"recipe\": \"fast\"}").precision());
        JobSpec bf16 = parse("{\"precision\": \"bf16\"}");
        assertEquals("bf16", bf16.precision());
        assertEquals(TrainingRecipe.seed().withPrecision(Precision.BF16), bf16.trainingRecipe());
    }

    @Test
    void aJobMayNameOneGpu() throws Exception {
        assertEquals("gpu:1", parse("{\"device\": \"gpu:1\"}").device());
        assertEquals("auto", parse("{}").device());
    }

    @Test
    void explicitFieldsWinOverThePreset() throws Exception {
        JobSpec spec = parse("{\"recipe\": \"fast\", \"epochs\": 10, \"optimizer\": {\"lr\": 0.1},"
                + " \"augment\": {\"flip\": false}, \"tta\": false}");
        assertEquals(10, spec.epochs());
        assertEquals(new JobSpec.OptimizerSpec("sgd", 0.1, 5e-4, 0.9, true), spec.optimizer());
        // The preset's warm-up, at most a fifth of the epochs asked for.
        assertEquals(new JobSpec.ScheduleSpec("onecycle", 2.0), spec.schedule());
        assertEquals(new JobSpec.AugmentSpec(4, false), spec.augment());
        assertEquals(false, spec.tta());
    }

    @Test
    void anotherOptimizerStartsFromPyTorchsDefaults() throws Exception {
        JobSpec sgd = parse("{\"optimizer\": {\"name\": \"sgd\", \"lr\": 0.05}}");
        assertEquals(new JobSpec.OptimizerSpec("sgd", 0.05, 0.0, 0.0, false), sgd.optimizer());
        JobSpec adamw = parse("{\"recipe\": \"fast\", \"optimizer\": {\"name\": \"adamw\"}}");
        assertNull(adamw.optimizer().momentum());
        assertEquals("adamw", adamw.trainingRecipe().optimizer().name());
    }

    @Test
    void theResolvedSpecReadsBackToItself() throws Exception {
        JobSpec spec = parse("{\"recipe\": \"fast\", \"epochs\": 7, \"labelSmoothing\": 0.2}");
        assertEquals(spec, parse(mapper.writeValueAsString(spec)));
    }

    /** A string where an object with a name (or model, or keep) is expected is that object's name: the same job. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"optimizer\": \"sgd\"}                     | {\"optimizer\": {\"name\": \"sgd\"}}",
        "{\"schedule\": \"onecycle\"}                 | {\"schedule\": {\"name\": \"onecycle\"}}",
        "{\"dataset\": \"flowers\"}                   | {\"dataset\": {\"name\": \"flowers\"}}",
        "{\"checkpoints\": \"last:3\"}                | {\"checkpoints\": {\"keep\": \"last:3\"}}",
        "{\"init\": \"20261205-120000-abcdef@2\"}     | {\"init\": {\"model\": \"20261205-120000-abcdef@2\"}}",
        "{\"recipe\": \"fast\", \"optimizer\": \"adam\", \"schedule\": \"cosine\"} | {\"recipe\": \"fast\", \"optimizer\": {\"name\": \"adam\"}, \"schedule\": {\"name\": \"cosine\"}}",
    })
    void aStringIsShorthandForTheObjectsName(String shorthand, String object) throws Exception {
        JobSpec spec = parse(shorthand);
        assertEquals(parse(object), spec);
        assertEquals(spec, parse(mapper.writeValueAsString(spec)), "the resolved object form reads back");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"optimizer\": \"lion\"}                                     | optimizer.name",
        "{\"schedule\": \"step\"}                                      | schedule.name",
        "{\"recipe\": \"quick\"}                                          | recipe",
        "{\"optimizer\": {\"name\": \"lion\"}}                            | optimizer.name",
        "{\"optimizer\": {\"momentum\": 0.9}}                             | optimizer.momentum",
        "{\"optimizer\": {\"name\": \"sgd\", \"nesterov\": true}}         | optimizer.nesterov",
        "{\"optimizer\": {\"name\": \"sgd\", \"momentum\": 1.0}}          | optimizer.momentum",
        "{\"schedule\": {\"name\": \"step\"}}                             | schedule.name",
        "{\"epochs\": 4, \"schedule\": {\"warmupEpochs\": 4}}             | schedule.warmupEpochs",
        "{\"augment\": {\"crop\": 17}}                                    | augment.crop",
        "{\"labelSmoothing\": 0.6}                                        | labelSmoothing",
        "{\"device\": \"gpu:one\"}                                         | device",
        "{\"dataset\": {\"path\": \"a\\u0000b\"}}                         | dataset.path",
        "{\"precision\": \"fp16\"}                                        | precision",
        "{\"precision\": \"BF16\"}                                        | precision",
    })
    void badRecipeFieldsAreNamed(String json, String field) {
        Exception e = assertThrows(Exception.class, () -> parse(json));
        Throwable cause = e;
        while (!(cause instanceof InvalidSpecException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertEquals(field, ((InvalidSpecException) cause).field(), e.toString());
    }
}
