package dev.resnetservice.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.resnetservice.data.Augmentation;
import dev.resnetservice.data.BatchSampler;
import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.data.DeviceBatches;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.model.BatchNormFolding;
import dev.resnetservice.model.ClassProbabilities;
import dev.resnetservice.model.ResNet18;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The epoch loop: train, evaluate, report one {@link EpochMetrics}, like airbench's main loop.
 * Runs on one thread; DJL allows one {@link GradientCollector} per JVM, so one run at a time.
 */
public final class TrainingRun {

    private static final Logger LOG = Logger.getLogger(TrainingRun.class);
    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;
    /** Largest layer1 activation an evaluation batch makes on the CPU (see {@link #evalBatchSize}). */
    private static final long CPU_EVAL_ACTIVATION_BYTES = 32L << 20;

    private final TrainingRecipe recipe;
    private final ImageStore train;
    private final ImageStore test;
    private final int classes;
    private final Model model;
    private final TrainingObserver observer;

    /**
     * @param model a model on the training device whose block is built (and, to resume, loaded)
     */
    public TrainingRun(TrainingRecipe recipe, ImageDataset data, Model model, TrainingObserver observer) {
        this.recipe = recipe;
        this.train = data.train();
        this.test = data.test();
        this.classes = data.classes().size();
        this.model = model;
        this.observer = observer;
    }

    /**
     * Trains epochs {@code firstEpoch}..{@code recipe.epochs()} (1-based).
     *
     * @return true when every epoch ran, false when the observer cancelled the run
     */
    public boolean run(int firstEpoch) {
        Device device = model.getNDManager().getDevice();
        int stepsPerEpoch = recipe.stepsPerEpoch(train.size());
        DefaultTrainingConfig config = trainingConfig(recipe, device, stepsPerEpoch, (firstEpoch - 1) * stepsPerEpoch);
        ExecutorService gatherer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "batch-gatherer");
            thread.setDaemon(true);
            return thread;
        });
        // Only parameters not loaded from a checkpoint are drawn, so a resumed run is unaffected.
        model.getNDManager().getEngine().setRandomSeed((int) recipe.randomSeed());
        FrozenBackbone frozen = null;
        Model optimised = model;
        if (recipe.freezeBackbone()) {
            // fc is drawn here, in the network's own manager, when it did not come with the weights.
            ResNet18.initialize(model.getBlock(), model.getNDManager());
            frozen = new FrozenBackbone(model.getBlock());
            optimised = frozen.head(model);
        }
        try (Trainer trainer = optimised.newTrainer(config);
                NDManager evalWeights = trainer.getManager().newSubManager()) {
            trainer.initialize(frozen == null ? ResNet18.INPUT_SHAPE : new Shape(1, ResNet18.FC_IN));
            // Evaluated as /predict serves: BatchNorm folded into the convs, refolded every epoch.
            Block folded = ResNet18.buildFolded(recipe.architecture(), classes);
            ResNet18.initialize(folded, evalWeights);
            EpochTime last = null;
            for (int epoch = firstEpoch; epoch <= recipe.epochs(); epoch++) {
                long start = System.nanoTime();
                Double trainLoss = trainEpoch(trainer, frozen, epoch, gatherer, last);
                if (trainLoss == null) {
                    return false;
                }
                long trained = System.nanoTime();
                Evaluation evaluation = evaluate(trainer, folded, gatherer);
                long end = System.nanoTime();
                last = new EpochTime((end - start) / 1e9, (end - trained) / 1e9);
                EpochMetrics metrics = new EpochMetrics(epoch, recipe.epochs(), trainLoss,
                        evaluation.loss(), evaluation.accuracy(),
                        perSecond(train.size(), trained - start), perSecond(test.size(), end - trained),
                        (end - start) / 1e9, train.size());
                LOG.infof("epoch %d/%d: train loss %.4f, test loss %.4f, test accuracy %.2f %%, "
                        + "%.0f train img/s, %.0f test img/s, %.1f s", epoch, recipe.epochs(),
                        metrics.trainLoss(), metrics.testLoss(), 100 * metrics.testAccuracy(),
                        metrics.trainExamplesPerSecond(), metrics.testExamplesPerSecond(), metrics.epochSeconds());
                observer.onEpoch(metrics, model);
            }
            return true;
        } finally {
            gatherer.shutdownNow();
            if (optimised != model) {
                optimised.close();
            }
        }
    }

    /** The recipe's loss and optimiser, its learning rate scheduled per step, on one device. */
    static DefaultTrainingConfig trainingConfig(TrainingRecipe recipe, Device device, int stepsPerEpoch, int stepsDone) {
        return new DefaultTrainingConfig(new LabelSmoothingCrossEntropy(recipe.labelSmoothing()))
                .optOptimizer(optimizer(recipe, LearningRateSchedule.of(recipe, stepsPerEpoch), stepsDone))
                .optDevices(new Device[] {device});
    }

    private static Optimizer optimizer(TrainingRecipe recipe, Tracker learningRate, int stepsDone) {
        TrainingRecipe.OptimizerSettings settings = recipe.optimizer();
        float weightDecay = (float) settings.weightDecay();
        // Adam's bias correction and the schedule count steps: a resumed run continues at the step it stopped.
        if (settings.name().equals(TrainingRecipe.SGD)) {
            return MomentumSgd.builder().learningRate(learningRate)
                    .momentum((float) settings.momentum()).nesterov(settings.nesterov())
                    .optWeightDecays(weightDecay).optBeginNumUpdate(stepsDone).build();
        }
        boolean adamw = settings.name().equals(TrainingRecipe.ADAMW);
        Optional<FusedAdam> fused = FusedAdam.builder().learningRate(learningRate).decoupledWeightDecay(adamw)
                .optWeightDecays(weightDecay).optBeginNumUpdate(stepsDone).build();
        if (fused.isPresent()) {
            return fused.get();
        }
        LOG.warnf("this libtorch has no fused Adam: using DJL's %s (eps before the bias correction, slower)",
                settings.name());
        return adamw
                ? AdamW.builder().optLearningRateTracker(learningRate)
                        .optWeightDecays(weightDecay).optBeginNumUpdate(stepsDone).build()
                : Adam.builder().optLearningRateTracker(learningRate)
                        .optWeightDecays(weightDecay).optBeginNumUpdate(stepsDone).build();
    }

    /** One epoch of training (of fc alone when the backbone is frozen); the mean batch loss, or null when cancelled. */
    private Double trainEpoch(Trainer trainer, FrozenBackbone frozen, int epoch, ExecutorService gatherer,
            EpochTime last) {
        int[] order = BatchSampler.order(train.size(), recipe.randomSeed(), epoch);
        try (NDManager epochManager = trainer.getManager().newSubManager()) {
            DeviceBatches batches = new DeviceBatches(train, order, recipe.batchSize(), recipe.normalization(),
                    epochManager, gatherer, recipe.augmentation().draws(recipe.randomSeed(), epoch));
            ProgressClock clock = new ProgressClock(epoch, batches.batches(), last);
            double lossSum = 0;
            int batch = 0;
            while (batches.hasNext()) {
                if (observer.cancelled()) {
                    return null;
                }
                try (NDManager batchManager = epochManager.newSubManager()) {
                    NDList data = batches.next(batchManager);
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray logits;
                        try (Autocast autocast = Autocast.enter(recipe.precision(), batchManager.getDevice())) {
                            logits = trainer.forward(new NDList(frozen == null ? data.get(0)
                                    : frozen.features(data.get(0), batchManager))).singletonOrThrow();
                        }
                        NDArray loss = trainer.getLoss().evaluate(new NDList(data.get(1)),
                                new NDList(Autocast.fp32(logits)));
                        collector.backward(loss);
                        lossSum += loss.getFloat();
                    }
                    trainer.step();
                    batch++;
                    clock.tick(batch, data.get(1).size(), lossSum / batch);
                }
            }
            return lossSum / batch;
        }
    }

    private record Evaluation(double loss, double accuracy) {
    }

    /**
     * The test split in eval mode (BatchNorm running statistics, here folded into {@code folded})
     * with gradients off, in the recipe's precision, with its test-time augmentation. The test loss is plain cross
     * entropy, without label smoothing, so it compares across recipes.
     */
    private Evaluation evaluate(Trainer trainer, Block folded, ExecutorService gatherer) {
        LOG.infof("evaluating %d test images", test.size());
        // Grad mode is per thread and a GradientCollector may have left it on for this one.
        JniUtils.setGradMode(false);
        try (NDManager evalManager = trainer.getManager().newSubManager()) {
            BatchNormFolding.fold(model.getBlock().getParameters().values(), folded.getParameters().values());
            ParameterStore parameters = new ParameterStore(evalManager, false);
            DeviceBatches batches = new DeviceBatches(test, DeviceBatches.inOrder(test.size()),
                    evalBatchSize(recipe, evalManager.getDevice()), recipe.normalization(), evalManager, gatherer,
                    Augmentation.none().draws(recipe.randomSeed(), 0));
            double lossSum = 0;
            long correct = 0;
            while (batches.hasNext()) {
                try (NDManager batchManager = evalManager.newSubManager();
                        Autocast autocast = Autocast.enter(recipe.precision(), evalManager.getDevice())) {
                    NDList data = batches.next(batchManager);
                    NDArray logProbabilities = ClassProbabilities.log(
                            x -> Autocast.fp32(folded.forward(parameters, new NDList(x), false).singletonOrThrow()),
                            data.get(0), recipe.testTimeAugmentation());
                    lossSum -= logProbabilities.get(new NDIndex().addAllDim().addPickDim(data.get(1)))
                            .sum().getFloat();
                    correct += logProbabilities.argMax(1).toType(DataType.INT64, false)
                            .eq(data.get(1)).sum().getLong();
                }
            }
            return new Evaluation(lossSum / test.size(), (double) correct / test.size());
        }
    }

    /**
     * The recipe's evaluation batch, capped on the CPU so layer1's activations stay within 32 MiB:
     * a block above 64 MiB does not fit a glibc heap, so off the first thread it is mapped and
     * unmapped at every use ({@link MallocTuning}). The CIFAR stem's 32x32 maps ran at 40 images/s
     * at batch 1024 and at 270 at batch 128, while the seed stem's 8x8 maps were fastest at 512.
     * Eval-mode results do not depend on it.
     */
    static int evalBatchSize(TrainingRecipe recipe, Device device) {
        if (device.isGpu()) {
            return recipe.evalBatchSize();
        }
        long fits = Math.max(1, CPU_EVAL_ACTIVATION_BYTES / recipe.architecture().layer1Bytes());
        return (int) Math.min(recipe.evalBatchSize(), fits);
    }

    private static double perSecond(int examples, long nanos) {
        return examples / (nanos / 1e9);
    }

    /** How long an epoch of this run took, all of it and its evaluation. */
    record EpochTime(double seconds, double evaluationSeconds) {
    }

    /**
     * Seconds until the job's last epoch ends: the rest of this epoch's training, its evaluation and
     * the epochs after it, timed like the last epoch of this run. Before one has ended, evaluation is
     * priced per image like training (forward only, it costs less: the first epoch overestimates).
     */
    static double jobEtaSeconds(double trainEta, double projectedTrain, int epochsAfter, EpochTime last,
            double testPerTrainImage) {
        double evaluation = last != null ? last.evaluationSeconds() : projectedTrain * testPerTrainImage;
        double epoch = last != null ? last.seconds() : projectedTrain + evaluation;
        return trainEta + evaluation + epochsAfter * epoch;
    }

    /** Reports progress at most once a second and logs it at most every ten. */
    private final class ProgressClock {
        private final int epoch;
        private final int batches;
        private final EpochTime last;
        private final long start = System.nanoTime();
        private long examples;
        private long lastReport = start;
        private long lastLog = start;

        ProgressClock(int epoch, int batches, EpochTime last) {
            this.epoch = epoch;
            this.batches = batches;
            this.last = last;
        }

        void tick(int batch, long batchExamples, double runningLoss) {
            examples += batchExamples;
            long now = System.nanoTime();
            if (now - lastReport < PROGRESS_EVERY_NANOS && batch < batches) {
                return;
            }
            lastReport = now;
            double seconds = (now - start) / 1e9;
            double rate = examples / seconds;
            double eta = seconds / batch * (batches - batch);
            double jobEta = jobEtaSeconds(eta, seconds / batch * batches, recipe.epochs() - epoch, last,
                    (double) test.size() / train.size());
            observer.onProgress(new Progress(epoch, batch, batches, runningLoss, rate, eta, jobEta));
            if (now - lastLog >= LOG_EVERY_NANOS) {
                lastLog = now;
                LOG.infof("epoch %d: batch %d/%d, train loss %.4f, %.0f img/s, ETA %.0f s, job ETA %.0f s",
                        epoch, batch, batches, runningLoss, rate, eta, jobEta);
            }
        }
    }
}
