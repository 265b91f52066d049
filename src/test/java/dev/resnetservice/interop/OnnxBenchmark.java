package dev.resnetservice.interop;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.resnetservice.data.DeviceNormalizer;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.data.Normalization;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.ResNet18;
import dev.resnetservice.training.MallocTuning;
import dev.resnetservice.training.NnpackSwitch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * CPU inference latency of the ONNX export in ONNX Runtime against the service's own folded DJL
 * forward: the same randomly initialised network (weights do not change the arithmetic), the same
 * images, each runtime with its default threads, batch 1 and batch 64, in alternating rounds so a
 * busy neighbour slows both alike. DJL gets what ServedModel gives it: the malloc tuning and
 * NNPACK switch of start-up, a batch normalised on the device (channels-last from 32 images); the
 * timed call is the forward (or session.run) and reading the logits back.
 * <pre>./mvnw -B -ntp -Pbenchmark verify -Dbenchmark.training.skip -Dbenchmark.predict.skip -Dbenchmark.onnx.skip=false</pre>
 * {@code -Dbenchmark.onnx.model=resnet18-cifar} for the other stem; {@code -Dbenchmark.onnx.rounds}.
 */
public final class OnnxBenchmark {

    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();

    private final Architecture architecture = Architecture.fromId(System.getProperty("benchmark.onnx.model", "resnet18"));
    private final int rounds = Integer.getInteger("benchmark.onnx.rounds", 6);
    /** Calls per round and runtime at each batch size: about a second of each. */
    private final Map<Integer, Integer> callsPerRound = Map.of(1, 60, 64, 4);

    public static void main(String[] args) throws Exception {
        new OnnxBenchmark().run();
    }

    private void run() throws Exception {
        // As the service's engine start-up does (resnet.malloc-tuning defaults to true).
        MallocTuning.apply();
        Engine.getEngine("PyTorch");
        NnpackSwitch.turnOff();
        System.out.printf(Locale.ROOT, "%s (10 classes, random weights), %d cores, DJL %s / libtorch %s, ONNX Runtime %s%n",
                architecture.id(), Runtime.getRuntime().availableProcessors(), Engine.getDjlVersion(),
                Engine.getEngine("PyTorch").getVersion(), ORT.getVersion());
        try (Model model = Model.newInstance("onnx-benchmark", "PyTorch")) {
            model.setBlock(ResNet18.buildFolded(architecture, 10));
            ResNet18.initialize(model.getBlock(), model.getNDManager());
            long start = System.nanoTime();
            byte[] onnx = OnnxModel.of(model.getBlock(), architecture, Map.of()).toByteArray();
            System.out.printf(Locale.ROOT, "export: %,d bytes in %.2f s%n", onnx.length, (System.nanoTime() - start) / 1e9);
            try (OnnxRuntimeModel runtime = new OnnxRuntimeModel(onnx)) {
                System.out.printf(Locale.ROOT, "%-6s %-13s %10s %10s %10s%n", "batch", "runtime", "p50 ms", "p90 ms",
                        "images/s");
                for (int batch : List.of(1, 64)) {
                    compare(model, runtime.session(), batch);
                }
            }
        }
    }

    private void compare(Model model, OrtSession session, int batch) throws Exception {
        byte[] pixels = new byte[batch * ImageStore.IMAGE_BYTES];
        new Random(batch).nextBytes(pixels);
        Normalization normalization = Normalization.cifar10();
        ParameterStore parameters = new ParameterStore(model.getNDManager(), false);
        try (NDManager images = model.getNDManager().newSubManager();
                OnnxTensor input = OnnxTensor.createTensor(ORT,
                        FloatBuffer.wrap(OnnxRuntimeModel.input(pixels, normalization)), new long[] {batch, 3, 32, 32})) {
            ByteBuffer direct = ByteBuffer.allocateDirect(pixels.length).order(ByteOrder.nativeOrder()).put(pixels).flip();
            NDArray served = new DeviceNormalizer(normalization, images).images(direct, batch, images);
            Block block = model.getBlock();
            Callable<float[]> djl = () -> {
                // Results land in their input's manager: lend the batch to one that frees them, as ServedModel's does.
                try (NDManager scratch = images.newSubManager()) {
                    scratch.tempAttachAll(new NDList(served));
                    return block.forward(parameters, new NDList(served), false).singletonOrThrow().toFloatArray();
                }
            };
            Callable<float[]> ort = () -> {
                try (OrtSession.Result result = session.run(Map.of(OnnxModel.INPUT, input))) {
                    FloatBuffer logits = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    float[] rows = new float[logits.remaining()];
                    logits.get(rows);
                    return rows;
                }
            };
            System.out.printf(Locale.ROOT, "       (largest logit difference %.1e)%n",
                    Logits.largestDifference(djl.call(), ort.call()));
            int calls = callsPerRound.get(batch);
            List<Long> djlTimes = new ArrayList<>();
            List<Long> ortTimes = new ArrayList<>();
            time(djl, calls, new ArrayList<>()); // warm-up: first calls pick kernels and grow pools
            time(ort, calls, new ArrayList<>());
            for (int round = 0; round < rounds; round++) {
                boolean djlFirst = round % 2 == 0;
                time(djlFirst ? djl : ort, calls, djlFirst ? djlTimes : ortTimes);
                time(djlFirst ? ort : djl, calls, djlFirst ? ortTimes : djlTimes);
            }
            double djlP50 = report(batch, "DJL (folded)", djlTimes);
            double ortP50 = report(batch, "ONNX Runtime", ortTimes);
            System.out.printf(Locale.ROOT, "%-6d ONNX Runtime %.2fx DJL's images/s (p50 against p50)%n", batch,
                    djlP50 / ortP50);
        }
    }

    private static void time(Callable<float[]> call, int calls, List<Long> nanos) throws Exception {
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call.call();
            nanos.add(System.nanoTime() - start);
        }
    }

    /** Prints p50, p90 and images/s at the p50; returns the p50 in ms. */
    private static double report(int batch, String runtime, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double p50 = sorted[sorted.length / 2] / 1e6;
        double p90 = sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.9))] / 1e6;
        System.out.printf(Locale.ROOT, "%-6d %-13s %10.2f %10.2f %10.1f%n", batch, runtime, p50, p90, batch * 1000 / p50);
        return p50;
    }
}
