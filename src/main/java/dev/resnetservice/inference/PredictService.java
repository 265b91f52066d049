package dev.resnetservice.inference;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.observability.PredictionMetrics;
import dev.resnetservice.observability.PredictionMetrics.Protocol;
import dev.resnetservice.web.InvalidRequestException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Classifies uploaded images: decode and check them all, then one trip through the batching predictor. */
@ApplicationScoped
public class PredictService {

    private final ModelCatalog catalog;
    private final BatchingPredictor predictor;
    private final UploadDecoder decoder;
    private final int maxImages;
    private final PredictionMetrics metrics;

    public PredictService(ModelCatalog catalog, BatchingPredictor predictor, UploadDecoder decoder, ResnetConfig config,
            PredictionMetrics metrics) {
        this.catalog = catalog;
        this.predictor = predictor;
        this.decoder = decoder;
        this.maxImages = config.predict().maxImages();
        this.metrics = metrics;
    }

    /** @param model a model name, or null for the default; @param topk 1..classes, or null for 3 */
    public PredictResponse predict(List<ImageUpload> uploads, String model, Integer topk) {
        return metrics.record(Protocol.PREDICT, Math.max(1, uploads.size()), () -> classify(uploads, model, topk),
                response -> response.predictions().size());
    }

    private PredictResponse classify(List<ImageUpload> uploads, String model, Integer topk) {
        if (uploads.isEmpty()) {
            throw new InvalidRequestException("file", "no image in the request: send multipart/form-data with"
                    + " one or more files, or an image as the body (Content-Type: image/png, ...)");
        }
        if (uploads.size() > maxImages) {
            throw new TooManyImagesException(uploads.size(), maxImages, "file");
        }
        Checkpoint checkpoint = catalog.resolve(model);
        List<String> classes = checkpoint.manifest().classes();
        int k = topk == null ? Math.min(3, classes.size()) : topk;
        if (k < 1 || k > classes.size()) {
            throw new InvalidRequestException("topk", "must be between 1 and " + classes.size() + ", got " + k);
        }
        List<DecodedImage> images = decoder.decode(uploads);
        List<float[]> probabilities =
                predictor.probabilities(checkpoint, images.stream().map(DecodedImage::pixels).toList());
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            predictions.add(prediction(images.get(i), probabilities.get(i), classes, k));
        }
        return new PredictResponse(catalog.nameOf(checkpoint), predictions);
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
