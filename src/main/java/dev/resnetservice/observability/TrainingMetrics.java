package dev.resnetservice.observability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.jobs.JobEvent;
import dev.resnetservice.jobs.JobService;
import dev.resnetservice.jobs.JobState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Training as Prometheus sees it: jobs by state, and the figures of the latest epoch of any job.
 * Labels stay low-cardinality: no job id.
 */
@ApplicationScoped
public class TrainingMetrics {

    private final Counter epochs;
    private final Counter examples;
    private final Value trainLoss = new Value();
    private final Value testLoss = new Value();
    private final Value accuracy = new Value();
    private final Value trainRate = new Value();
    private final Value testRate = new Value();

    public TrainingMetrics(MeterRegistry registry, JobService jobs) {
        for (JobState state : JobState.values()) {
            Gauge.builder("resnet.jobs", jobs, service -> service.list().stream().filter(j -> j.state() == state).count())
                    .description("Jobs by state").tag("state", state.json()).register(registry);
        }
        epochs = Counter.builder("resnet.training.epochs").description("Epochs trained, all jobs").register(registry);
        examples = Counter.builder("resnet.training.examples").description("Training images seen, all jobs")
                .register(registry);
        gauge(registry, "resnet.training.loss", "split", "train", trainLoss, "Mean batch loss of the latest epoch");
        gauge(registry, "resnet.training.loss", "split", "test", testLoss, "Mean batch loss of the latest epoch");
        gauge(registry, "resnet.training.examples.per.second", "split", "train", trainRate, "Images per second, latest epoch");
        gauge(registry, "resnet.training.examples.per.second", "split", "test", testRate, "Images per second, latest epoch");
        Gauge.builder("resnet.training.accuracy", accuracy, Value::get)
                .description("Test accuracy of the latest epoch, 0..1").register(registry);
    }

    void onEvent(@Observes JobEvent event) {
        if (!JobEvent.EPOCH.equals(event.event())) {
            return;
        }
        JsonNode data = event.data();
        epochs.increment();
        trainLoss.set(data.get("trainLoss").asDouble());
        testLoss.set(data.get("testLoss").asDouble());
        accuracy.set(data.get("testAccuracy").asDouble());
        trainRate.set(data.get("trainExamplesPerSecond").asDouble());
        testRate.set(data.get("testExamplesPerSecond").asDouble());
        examples.increment(data.get("trainExamples").asDouble());
    }

    private static void gauge(MeterRegistry registry, String name, String tag, String value, Value source,
            String description) {
        Gauge.builder(name, source, Value::get).description(description).tag(tag, value).register(registry);
    }

    /** A double a gauge reads; NaN until the first epoch, which Prometheus shows as no value. */
    private static final class Value {
        private final AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));

        double get() {
            return Double.longBitsToDouble(bits.get());
        }

        void set(double value) {
            bits.set(Double.doubleToLongBits(value));
        }
    }
}
