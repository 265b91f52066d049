package dev.resnetservice.inference;

import dev.resnetservice.data.DatasetException;
import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.data.PngDataUrl;
import dev.resnetservice.datasets.DatasetRegistry;
import dev.resnetservice.jobs.Job;
import dev.resnetservice.jobs.JobService;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.web.InvalidRequestException;
import dev.resnetservice.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The seed notebook's figure, live: a job's first test images, their true classes, and what the
 * job's newest checkpoint says they are. The first images, not random ones, so the strip a page
 * shows stays the same while the predictions under it improve epoch by epoch.
 */
@ApplicationScoped
public class SampleService {

    public static final int DEFAULT_COUNT = 10;
    public static final int MAX_COUNT = 100;

    private final JobService jobs;
    private final DatasetRegistry datasets;
    private final ModelCatalog catalog;
    private final BatchingPredictor predictor;

    public SampleService(JobService jobs, DatasetRegistry datasets, ModelCatalog catalog, BatchingPredictor predictor) {
        this.jobs = jobs;
        this.datasets = datasets;
        this.catalog = catalog;
        this.predictor = predictor;
    }

    /** @param n how many images, 1..{@value #MAX_COUNT}; null for {@value #DEFAULT_COUNT} */
    public Samples samples(String jobId, Integer n) {
        int count = n == null ? DEFAULT_COUNT : n;
        if (count < 1 || count > MAX_COUNT) {
            throw new InvalidRequestException("n", "must be between 1 and " + MAX_COUNT + ", got " + count);
        }
        Job job = jobs.get(jobId);
        ImageDataset dataset;
        try {
            dataset = datasets.images(job.spec().dataset(), false);
        } catch (DatasetException e) {
            throw new ProblemException(409, "Data set not available",
                    "the test images of job " + jobId + " cannot be read: " + e.getMessage(), null);
        }
        ImageStore test = dataset.test().first(job.spec().limitTest());
        List<byte[]> images = IntStream.range(0, Math.min(count, test.size())).mapToObj(test::image).toList();
        Checkpoint checkpoint = job.checkpoints().isEmpty() ? null : catalog.resolve(jobId);
        List<float[]> probabilities = checkpoint == null ? null : predictor.probabilities(checkpoint, images);
        List<Samples.Sample> samples = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            int label = test.label(i);
            Prediction.ClassScore predicted = probabilities == null ? null
                    : PredictService.top(probabilities.get(i), checkpoint.manifest().classes(), 1).get(0);
            samples.add(new Samples.Sample(i, PngDataUrl.of(images.get(i)), dataset.classes().get(label), label,
                    predicted, predicted == null ? null : predicted.index() == label));
        }
        return new Samples(jobId, checkpoint == null ? null : catalog.nameOf(checkpoint), samples);
    }
}
