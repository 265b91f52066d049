package dev.resnetservice.observability;

import dev.resnetservice.web.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * {@code resnet.predict} (time to answer, decoding included) and {@code resnet.predictions}
 * (images, by outcome), both tagged with the protocol that asked: one queue serves them all, and
 * the tag tells their shares apart.
 */
@ApplicationScoped
public class PredictionMetrics {

    public enum Protocol {
        PREDICT("predict"), OIP_REST("oip-rest"), OIP_GRPC("oip-grpc");

        private final String tag;

        Protocol(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final Map<Protocol, Timer> latency = new EnumMap<>(Protocol.class);

    public PredictionMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Protocol protocol : Protocol.values()) {
            latency.put(protocol, Timer.builder("resnet.predict")
                    .description("Time to answer an inference request, decoding included")
                    .tag("protocol", protocol.tag)
                    .publishPercentiles(0.5, 0.99)
                    .publishPercentileHistogram()
                    .register(registry));
        }
    }

    /**
     * Times {@code work} and counts its images: {@code images} of the answer, or {@code imagesIfFailed}.
     * A failure is {@code rejected} when it was the caller's mistake (4xx), {@code unavailable} for a
     * 5xx problem (no model, queue full), {@code error} otherwise.
     */
    public <T> T record(Protocol protocol, int imagesIfFailed, Supplier<T> work, ToIntFunction<T> images) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "error";
        int count = imagesIfFailed;
        try {
            T answer = work.get();
            outcome = "success";
            count = images.applyAsInt(answer);
            return answer;
        } catch (ProblemException e) {
            outcome = e.status() < 500 ? "rejected" : "unavailable";
            throw e;
        } finally {
            sample.stop(latency.get(protocol));
            registry.counter("resnet.predictions", "outcome", outcome, "protocol", protocol.tag).increment(count);
        }
    }
}
