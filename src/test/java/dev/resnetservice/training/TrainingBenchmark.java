package dev.resnetservice.training;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.data.DeviceBatches;
import dev.resnetservice.model.BatchNormFolding;
import dev.resnetservice.model.ResNet18;
import dev.resnetservice.testdata.SyntheticCifar10;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * Seed recipe throughput on generated data: (a) the service's epoch loop ({@link TrainingRun},
 * data pipeline included) against (b) a bare DJL forward/backward/step loop over batches already
 * on the device, timed part by part, and (c) the same step in PyTorch ({@link PyTorchReference})
 * when it is installed, in fp32 and then in bf16 (autocast on both sides), and prints every figure
 * as GFLOP/s and as a fraction of this machine's peak (GEMM or conv) measured in the same run.
 * Each DJL side trains one warm-up epoch, then the measured ones.
 *
 * <p>Run: {@code ./mvnw -B -ntp -Pbenchmark verify} (options: -Dbenchmark.images=2560
 * -Dbenchmark.epochs=2 -Dbenchmark.rounds=4
 * -Dbenchmark.malloc-tuning=true -Dbenchmark.nnpack-off=true -Dbenchmark.peak-size=4096).
 */
public final class TrainingBenchmark {

    public static void main(String[] args) {
        int images = Integer.getInteger("benchmark.images", 2560);
        int epochs = Integer.getInteger("benchmark.epochs", 2);
        int rounds = Integer.getInteger("benchmark.rounds", 4);
        TrainingRecipe recipe = TrainingRecipe.seed().withEpochs(epochs + 1);
        ImageDataset data = Cifar10Reader.read(
                SyntheticCifar10.write(Path.of("target/benchmark-data"), images, images, 1));
        boolean tuned = Boolean.parseBoolean(System.getProperty("benchmark.malloc-tuning", "true")) && MallocTuning.apply();
        Engine engine = Engine.getEngine("PyTorch");
        boolean nnpackOff = Boolean.parseBoolean(System.getProperty("benchmark.nnpack-off", "true"))
                && NnpackSwitch.turnOff();
        System.out.printf(Locale.ROOT, "%s %s, %d threads, malloc tuned: %s, NNPACK off: %s, batch %d, %d train / %d test images, %d measured epochs, best of %d rounds%n",
                engine.getEngineName(), engine.getVersion(), JniUtils.getNumThreads(), tuned, nnpackOff, recipe.batchSize(),
                images, images, epochs, rounds);

        // The service runs between the two PyTorch runs of its round, so each round's ratio
        // compares sides a minute apart. Two summaries: every figure at its best over the rounds
        // (interference only ever slows a run down) and the median of the rounds' own ratios
        // (fairer when the machine's speed drifts and one side happens on a quiet moment).
        // The bf16 sides follow in the same round: service, bare loop, PyTorch's autocast.
        Figures bare = null;
        Figures service = null;
        Figures torch = null;
        Figures torchChannelsLast = null;
        Figures bare16 = null;
        Figures service16 = null;
        Figures torch16 = null;
        String torchVersion = null;
        List<Figures> roundRatios = new ArrayList<>();
        List<Figures> bf16Ratios = new ArrayList<>();
        int threads = JniUtils.getNumThreads();
        for (int round = 0; round < rounds; round++) {
            JsonNode plain = PyTorchReference.run(threads, tuned, false, Precision.FP32);
            Figures loop = serviceLoop(recipe, data);
            Figures[] r = bareLoop(recipe, data, Precision.FP32);
            JsonNode channelsLast = plain == null ? null : PyTorchReference.run(threads, tuned, true, Precision.FP32);
            Figures loop16 = serviceLoop(recipe.withPrecision(Precision.BF16), data);
            Figures[] r16 = bareLoop(recipe, data, Precision.BF16);
            JsonNode autocast = plain == null ? null : PyTorchReference.run(threads, tuned, true, Precision.BF16);
            loop = loop.withForward64(r[1].forward64());
            loop16 = loop16.withForward64(r16[1].forward64());
            Figures reference = plain == null ? null : Figures.of(plain);
            System.out.printf(Locale.ROOT, "round %d: bare %.1f / %.1f, service %.1f / %.1f img/s (train / test)%s;"
                    + " bf16: bare %.1f / %.1f, service %.1f / %.1f%s%n",
                    round + 1, r[0].train(), r[0].eval(), loop.train(), loop.eval(), reference == null ? ""
                            : String.format(Locale.ROOT, ", PyTorch %.1f / %.1f", reference.train(), reference.eval()),
                    r16[0].train(), r16[0].eval(), loop16.train(), loop16.eval(), autocast == null ? ""
                            : String.format(Locale.ROOT, ", PyTorch %.1f / %.1f", autocast.get("trainImagesPerSecond")
                                    .asDouble(), autocast.get("evalImagesPerSecond").asDouble()));
            bare = Figures.best(bare, r[0]);
            service = Figures.best(service, loop);
            bare16 = Figures.best(bare16, r16[0]);
            service16 = Figures.best(service16, loop16);
            bf16Ratios.add(Figures.ratio(loop16, loop));
            if (reference != null && channelsLast != null && autocast != null) {
                torchVersion = plain.get("torch").asText();
                torch = Figures.best(torch, reference);
                torchChannelsLast = Figures.best(torchChannelsLast, Figures.of(channelsLast));
                torch16 = Figures.best(torch16, Figures.of(autocast));
                roundRatios.add(Figures.ratio(loop, reference));
            }
        }
        System.out.printf(Locale.ROOT, "%n%-38s %8s %8s %8s %12s %12s %14s%n", "batch 256, per step", "fwd ms",
                "bwd ms", "opt ms", "train img/s", "eval img/s", "fwd64 img/s");
        if (torch != null) {
            torch.print("PyTorch " + torchVersion + " (seed script)");
            torchChannelsLast.print("PyTorch " + torchVersion + " channels_last");
            torch16.print("PyTorch " + torchVersion + " cl, bf16 autocast");
        }
        bare.print("DJL bare loop");
        service.print("service (epoch loop; /predict fwd)");
        bare16.print("DJL bare loop, bf16");
        service16.print("service, bf16");
        Figures.ratio(service, bare).printRatio("service / bare");
        Figures.ratio(service16, bare16).printRatio("service / bare, bf16");
        Figures.ratio(service16, service).printRatio("bf16 / fp32, service");
        Figures.median(bf16Ratios).printRatio("  median of the rounds' ratios");
        Figures.ratio(bare16, bare).printRatio("bf16 / fp32, bare loop (ms: fp32/bf16)");
        if (torch != null) {
            Figures.ratio(service, torch).printRatio("service / PyTorch seed script");
            Figures.median(roundRatios).printRatio("  median of the rounds' ratios");
            Figures.ratio(service, torchChannelsLast).printRatio("service / PyTorch channels_last");
            Figures.ratio(bare, torch).printRatio("bare / PyTorch seed script (ms)");
            Figures.ratio(service16, torch16).printRatio("service bf16 / PyTorch bf16 autocast");
            System.out.println("(ms ratios are PyTorch's time over DJL's: above 1 means DJL is faster)");
        }
        printWork(recipe, bare, service, bare16, service16, torch, torchChannelsLast, torch16);
    }

    /**
     * Each figure as GFLOP/s of the network's own multiply-adds ({@link MultiplyAdds}: a training
     * image costs three forwards) and as a fraction of this machine's peak in its precision, the
     * higher of its GEMM and its convolution measured in the same run ({@link MachinePeak}).
     */
    private static void printWork(TrainingRecipe recipe, Figures bare, Figures service, Figures bare16,
            Figures service16, Figures torch, Figures torchChannelsLast, Figures torch16) {
        long multiplyAdds;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Block network = ResNet18.build(recipe.architecture(), 10);
            ResNet18.initialize(network, manager);
            multiplyAdds = MultiplyAdds.forward(network, ResNet18.INPUT_SHAPE);
        }
        int size = Integer.getInteger("benchmark.peak-size", 4096);
        double fp32Gemm = MachinePeak.gemm(Precision.FP32, size, 3);
        double bf16Gemm = MachinePeak.gemm(Precision.BF16, size, 3);
        double fp32Conv = MachinePeak.conv(Precision.FP32, 16, 256, 3);
        double bf16Conv = MachinePeak.conv(Precision.BF16, 16, 256, 3);
        double fp32Peak = Math.max(fp32Gemm, fp32Conv);
        double bf16Peak = Math.max(bf16Gemm, bf16Conv);
        double forwardGflop = 2.0 * multiplyAdds / 1e9;
        System.out.printf(Locale.ROOT, "%nthe network: %,d multiply-adds per image forward (%.4f GFLOP), training"
                + " 3x that; this machine's peak, %d threads, GFLOP/s: GEMM %dx%d fp32 %.1f, bf16 %.1f;"
                + " 3x3 conv 256 to 256 channels, 16 images of 32x32 out, fp32 %.1f, bf16 %.1f%n",
                multiplyAdds, forwardGflop, JniUtils.getNumThreads(), size, size, fp32Gemm, bf16Gemm, fp32Conv,
                bf16Conv);
        System.out.printf(Locale.ROOT, "%-38s %18s %18s %18s%n", "GFLOP/s (fraction of the higher peak)", "train",
                "eval", "fwd64");
        if (torch != null) {
            torch.printWork("PyTorch seed script", forwardGflop, fp32Peak);
            torchChannelsLast.printWork("PyTorch channels_last", forwardGflop, fp32Peak);
            torch16.printWork("PyTorch channels_last, bf16 autocast", forwardGflop, bf16Peak);
        }
        bare.printWork("DJL bare loop", forwardGflop, fp32Peak);
        service.printWork("service", forwardGflop, fp32Peak);
        bare16.printWork("DJL bare loop, bf16", forwardGflop, bf16Peak);
        service16.printWork("service, bf16", forwardGflop, bf16Peak);
    }

    /**
     * One side's figures: milliseconds per part of a batch-256 step (NaN where not measured),
     * train and eval images/s, and batch-64 forward images/s.
     */
    private record Figures(double forwardMs, double backwardMs, double optimizerMs, double train, double eval,
            double forward64) {

        static Figures of(JsonNode json) {
            return new Figures(json.get("forwardMs").asDouble(), json.get("backwardMs").asDouble(),
                    json.get("optimizerMs").asDouble(), json.get("trainImagesPerSecond").asDouble(),
                    json.get("evalImagesPerSecond").asDouble(), json.get("forward64ImagesPerSecond").asDouble());
        }

        /** Each figure at its best over the rounds: the least time, the most images/s. */
        static Figures best(Figures a, Figures b) {
            return a == null ? b : new Figures(Math.min(a.forwardMs, b.forwardMs),
                    Math.min(a.backwardMs, b.backwardMs), Math.min(a.optimizerMs, b.optimizerMs),
                    Math.max(a.train, b.train), Math.max(a.eval, b.eval), Math.max(a.forward64, b.forward64));
        }

        /** a's images/s over b's; the ms fields b's time over a's, so above 1 means a is faster. */
        static Figures ratio(Figures a, Figures b) {
            return new Figures(b.forwardMs / a.forwardMs, b.backwardMs / a.backwardMs, b.optimizerMs / a.optimizerMs,
                    a.train / b.train, a.eval / b.eval, a.forward64 / b.forward64);
        }

        /** Each figure's median over {@code all}. */
        static Figures median(List<Figures> all) {
            return new Figures(median(all, Figures::forwardMs), median(all, Figures::backwardMs),
                    median(all, Figures::optimizerMs), median(all, Figures::train), median(all, Figures::eval),
                    median(all, Figures::forward64));
        }

        private static double median(List<Figures> all, ToDoubleFunction<Figures> figure) {
            double[] sorted = all.stream().mapToDouble(figure).sorted().toArray();
            int middle = sorted.length / 2;
            return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }

        Figures withForward64(double images) {
            return new Figures(forwardMs, backwardMs, optimizerMs, train, eval, images);
        }

        void printWork(String label, double forwardGflop, double peak) {
            System.out.printf(Locale.ROOT, "%-38s %18s %18s %18s%n", label, work(3 * forwardGflop * train, peak),
                    work(forwardGflop * eval, peak), work(forwardGflop * forward64, peak));
        }

        private static String work(double gflops, double peak) {
            return Double.isNaN(gflops) ? "" : String.format(Locale.ROOT, "%.1f (%.3f)", gflops, gflops / peak);
        }

        void print(String label) {
            System.out.printf(Locale.ROOT, "%-38s %8s %8s %8s %12.1f %12.1f %14.1f%n", label, ms(forwardMs),
                    ms(backwardMs), ms(optimizerMs), train, eval, forward64);
        }

        void printRatio(String label) {
            System.out.printf(Locale.ROOT, "%-38s %8s %8s %8s %12.3f %12.3f %14.3f%n", label, ms(forwardMs),
                    ms(backwardMs), ms(optimizerMs), train, eval, forward64);
        }

        private static String ms(double value) {
            return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.1f", value);
        }
    }

    /** The service's own loop, in the recipe's precision; the mean of the measured epochs' figures. */
    private static Figures serviceLoop(TrainingRecipe recipe, ImageDataset data) {
        List<EpochMetrics> measured = new ArrayList<>();
        try (Model model = Model.newInstance("service", Device.cpu(), "PyTorch")) {
            model.setBlock(ResNet18.build(recipe.architecture(), 10));
            new TrainingRun(recipe, data, model, new TrainingObserver() {
                @Override
                public void onProgress(Progress progress) {
                }

                @Override
                public void onEpoch(EpochMetrics metrics, Model trained) {
                    if (metrics.epoch() > 1) {
                        measured.add(metrics);
                    }
                }

                @Override
                public boolean cancelled() {
                    return false;
                }
            }).run(1);
        }
        return new Figures(Double.NaN, Double.NaN, Double.NaN,
                measured.stream().mapToDouble(EpochMetrics::trainExamplesPerSecond).average().orElseThrow(),
                measured.stream().mapToDouble(EpochMetrics::testExamplesPerSecond).average().orElseThrow(), Double.NaN);
    }

    /**
     * forward, backward and optimiser step over tensors made before the clock starts: its figures,
     * then the batch-64 forward of the BatchNorm-folded network /predict serves (the rest NaN).
     */
    private static Figures[] bareLoop(TrainingRecipe recipe, ImageDataset data, Precision precision) {
        DefaultTrainingConfig config = TrainingRun.trainingConfig(recipe, Device.cpu(),
                recipe.stepsPerEpoch(data.train().size()), 0);
        ExecutorService gatherer = Executors.newSingleThreadExecutor();
        try (Model model = Model.newInstance("bare", Device.cpu(), "PyTorch");
                NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            model.setBlock(ResNet18.build(recipe.architecture(), 10));
            List<NDList> train = onDevice(data.train().size(), recipe.batchSize(), data, true, manager, recipe, gatherer);
            List<NDList> test = onDevice(data.test().size(), recipe.evalBatchSize(), data, false, manager, recipe, gatherer);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 3, 32, 32));
                double trainSum = 0;
                double testSum = 0;
                long[] partNanos = new long[3];
                int measuredSteps = 0;
                for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
                    long[] parts = new long[3];
                    long start = System.nanoTime();
                    for (NDList batch : train) {
                        // Results land in their input's manager: lend the batch to one closed per step.
                        try (NDManager step = manager.newSubManager();
                                GradientCollector collector = trainer.newGradientCollector()) {
                            step.tempAttachAll(batch);
                            long t0 = System.nanoTime();
                            NDArray logits;
                            try (Autocast autocast = Autocast.enter(precision, Device.cpu())) {
                                logits = trainer.forward(new NDList(batch.get(0))).singletonOrThrow();
                            }
                            NDArray loss = trainer.getLoss().evaluate(new NDList(batch.get(1)),
                                    new NDList(Autocast.fp32(logits)));
                            long t1 = System.nanoTime();
                            collector.backward(loss);
                            loss.getFloat();
                            parts[0] += t1 - t0;
                            parts[1] += System.nanoTime() - t1;
                        }
                        long t2 = System.nanoTime();
                        trainer.step();
                        parts[2] += System.nanoTime() - t2;
                    }
                    long trained = System.nanoTime();
                    JniUtils.setGradMode(false);
                    for (NDList batch : test) {
                        try (NDManager step = manager.newSubManager();
                                Autocast autocast = Autocast.enter(precision, Device.cpu())) {
                            step.tempAttachAll(batch);
                            NDArray logits = trainer.evaluate(new NDList(batch.get(0))).singletonOrThrow();
                            Autocast.fp32(logits).argMax(1).sum().getLong();
                        }
                    }
                    long end = System.nanoTime();
                    if (epoch > 0) {
                        trainSum += data.train().size() / ((trained - start) / 1e9);
                        testSum += data.test().size() / ((end - trained) / 1e9);
                        for (int i = 0; i < 3; i++) {
                            partNanos[i] += parts[i];
                        }
                        measuredSteps += train.size();
                    }
                }
                int measured = recipe.epochs() - 1;
                double[] ms = new double[3];
                for (int i = 0; i < 3; i++) {
                    ms[i] = partNanos[i] / 1e6 / measuredSteps;
                }
                NDArray images = test.get(0).get(0).get("0:64");
                double plain = forward64(x -> trainer.evaluate(new NDList(x)).singletonOrThrow(), images, manager,
                        precision);
                // As /predict serves it: BatchNorm folded into the convs (ServedModel).
                Block folded = ResNet18.buildFolded(recipe.architecture(), 10);
                ResNet18.initialize(folded, manager);
                BatchNormFolding.fold(model.getBlock().getParameters().values(), folded.getParameters().values());
                ParameterStore store = new ParameterStore(manager, false);
                double served = forward64(x -> folded.forward(store, new NDList(x), false).singletonOrThrow(),
                        images, manager, precision);
                return new Figures[] {
                    new Figures(ms[0], ms[1], ms[2], trainSum / measured, testSum / measured, plain),
                    new Figures(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, served)};
            }
        } finally {
            gatherer.shutdownNow();
        }
    }

    /** Grad-off, eval-mode forwards of 64 images in {@code precision}, as /predict's device batches. */
    private static double forward64(UnaryOperator<NDArray> forward, NDArray batch, NDManager manager,
            Precision precision) {
        int repeats = 30;
        try (NDManager warmUp = manager.newSubManager();
                Autocast autocast = Autocast.enter(precision, Device.cpu())) {
            warmUp.tempAttachAll(new NDList(batch));
            Autocast.fp32(forward.apply(batch)).argMax(1).getLong(0);
        }
        long start = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            try (NDManager step = manager.newSubManager();
                    Autocast autocast = Autocast.enter(precision, Device.cpu())) {
                step.tempAttachAll(new NDList(batch));
                Autocast.fp32(forward.apply(batch)).argMax(1).getLong(0);
            }
        }
        return 64.0 * repeats / ((System.nanoTime() - start) / 1e9);
    }

    private static List<NDList> onDevice(int size, int batchSize, ImageDataset data, boolean train,
            NDManager manager, TrainingRecipe recipe, ExecutorService gatherer) {
        DeviceBatches batches = new DeviceBatches(train ? data.train() : data.test(), DeviceBatches.inOrder(size),
                batchSize, recipe.normalization(), manager, gatherer, recipe.augmentation().draws(recipe.randomSeed(), 1));
        List<NDList> all = new ArrayList<>();
        while (batches.hasNext()) {
            all.add(batches.next(manager));
        }
        return all;
    }
}
