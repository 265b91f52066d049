package dev.resnetservice.inference;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.web.BusyException;
import dev.resnetservice.web.InvalidRequestException;
import dev.resnetservice.web.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;

/** Classifies uploaded images: decode and check them all, then one trip through the batching predictor. */
@ApplicationScoped
public class PredictService {

    private final ModelCatalog catalog;
    private final BatchingPredictor predictor;
    private final ImageDecoder decoder;
    private final int maxImages;
    private final Semaphore decodes;
    private final MeterRegistry registry;
    private final Timer latency;

    public PredictService(ModelCatalog catalog, BatchingPredictor predictor, ResnetConfig config, MeterRegistry registry) {
        this.catalog = catalog;
        this.predictor = predictor;
        this.decoder = new ImageDecoder(config.predict().maxPixels(), config.predict().maxSide());
        this.maxImages = config.predict().maxImages();
        this.decodes = new Semaphore(config.predict().maxConcurrentDecodes());
        this.registry = registry;
        this.latency = Timer.builder("resnet.predict")
                .description("Time to answer POST /predict, decoding included")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .register(registry);
    }

    /** @param model a model name, or null for the default; @param topk 1..classes, or null for 3 */
    public PredictResponse predict(List<ImageUpload> uploads, String model, Integer topk) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "error";
        try {
            PredictResponse response = classify(uploads, model, topk);
            outcome = "success";
            return response;
        } catch (ProblemException e) {
            outcome = e.status() < 500 ? "rejected" : "unavailable";
            throw e;
        } finally {
            sample.stop(latency);
            registry.counter("resnet.predictions", "outcome", outcome).increment(Math.max(1, uploads.size()));
        }
    }

    private PredictResponse classify(List<ImageUpload> uploads, String model, Integer topk) {
        if (uploads.isEmpty()) {
            throw new InvalidRequestException("file", "no image in the request: send multipart/form-data with"
                    + " one or more files, or an image as the body (Content-Type: image/png, ...)");
        }
        if (uploads.size() > maxImages) {
            throw new ProblemException(413, "Too many images", uploads.size() + " images in one request; the limit is "
                    + maxImages + " (resnet.predict.max-images): send them in several requests", "file");
        }
        Checkpoint checkpoint = catalog.resolve(model);
        List<String> classes = checkpoint.manifest().classes();
        int k = topk == null ? Math.min(3, classes.size()) : topk;
        if (k < 1 || k > classes.size()) {
            throw new InvalidRequestException("topk", "must be between 1 and " + classes.size() + ", got " + k);
        }
        List<DecodedImage> images = decode(uploads);
        List<float[]> probabilities =
                predictor.probabilities(checkpoint, images.stream().map(DecodedImage::pixels).toList());
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            predictions.add(prediction(images.get(i), probabilities.get(i), classes, k));
        }
        return new PredictResponse(catalog.nameOf(checkpoint), predictions);
    }

    /** At most max-concurrent-decodes requests decode at once: each may hold a large image's rows. */
    private List<DecodedImage> decode(List<ImageUpload> uploads) {
        if (!decodes.tryAcquire()) {
            throw new BusyException("Too many uploads at once", "other requests are decoding images"
                    + " (resnet.predict.max-concurrent-decodes); try again shortly", 1);
        }
        try {
            return uploads.stream().map(u -> decoder.decode(u.file(), u.bytes())).toList();
        } finally {
            decodes.release();
        }
    }

    private static Prediction prediction(DecodedImage image, float[] probabilities, List<String> classes, int k) {
        List<Prediction.ClassScore> top = top(probabilities, classes, k);
        Prediction.ClassScore best = top.get(0);
        return new Prediction(image.file(), best.label(), best.index(), best.probability(), image.resized(), top);
    }

    /** The {@code k} most probable classes, most probable first. */
    static List<Prediction.ClassScore> top(float[] probabilities, List<String> classes, int k) {
        return IntStream.range(0, probabilities.length).boxed()
                .sorted(Comparator.comparingDouble(i -> -probabilities[i]))
                .limit(k)
                .map(i -> new Prediction.ClassScore(classes.get(i), i, probabilities[i]))
                .toList();
    }
}
