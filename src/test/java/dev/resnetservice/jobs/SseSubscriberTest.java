package dev.resnetservice.jobs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.resteasy.reactive.server.jaxrs.SseImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One SSE connection against a real event log; the sink stands for the client's socket. */
class SseSubscriberTest {

    private static final String JOB = "20261205-120000-aaaaaa";

    private final ObjectMapper mapper = new ObjectMapper();
    private final EventSubscribers subscribers = new EventSubscribers();
    private final ExecutorService network = Executors.newSingleThreadExecutor();

    @TempDir
    Path dir;

    @AfterEach
    void stopNetwork() {
        network.shutdownNow();
    }

    @Test
    void aReplayFarLongerThanAnyBufferArrivesWholeAtTheClientsPace() throws Exception {
        JobEventLog log = new JobEventLog(dir.resolve("events.jsonl"), mapper);
        for (int i = 0; i < 3000; i++) {
            append(log, JobEvent.PROGRESS, Map.of("batch", i));
        }
        Sink sink = new Sink(true);
        AtomicInteger closes = new AtomicInteger();
        SseSubscriber subscriber = subscriber(log, sink, 0, closes);
        subscribers.add(JOB, subscriber);
        append(log, JobEvent.DONE, Map.of("state", "succeeded"));

        sink.ended.get(30, TimeUnit.SECONDS);
        List<String> ids = sink.sent.stream().filter(e -> e.getId() != null).map(OutboundSseEvent::getId).toList();
        assertEquals(3001, ids.size());
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(Long.toString(i + 1), ids.get(i));
        }
        assertEquals("end of job", sink.sent.get(sink.sent.size() - 1).getComment());
        assertEquals(1, closes.get());
        assertTrue(sink.maxInFlight.get() <= 1, "one event in flight at a time: " + sink.maxInFlight);
    }

    @Test
    void aWriteThatCompletesAtOnceDoesNotRecurse() throws Exception {
        JobEventLog log = new JobEventLog(dir.resolve("events.jsonl"), mapper);
        for (int i = 0; i < 20_000; i++) {
            append(log, JobEvent.PROGRESS, Map.of("batch", i));
        }
        Sink sink = new Sink(false);
        subscribers.add(JOB, subscriber(log, sink, 19_990, new AtomicInteger()));
        subscribers.add(JOB, subscriber(log, sink, 0, new AtomicInteger()));
        assertEquals(10 + 20_000, sink.sent.size());
    }

    @Test
    void aClientLeavingBetweenTheCheckAndTheSendChangesNothingForTheJob() {
        JobEventLog log = new JobEventLog(dir.resolve("events.jsonl"), mapper);
        Sink sink = new Sink(false);
        sink.throwOnSend = true;
        AtomicInteger closes = new AtomicInteger();
        SseSubscriber subscriber = subscriber(log, sink, 0, closes);
        subscribers.add(JOB, subscriber);

        assertDoesNotThrow(() -> append(log, JobEvent.EPOCH, Map.of("epoch", 1)));
        assertDoesNotThrow(subscriber::heartbeat);
        assertDoesNotThrow(() -> append(log, JobEvent.DONE, Map.of("state", "succeeded")));
        assertEquals(1, closes.get(), "closed once, and released");
    }

    @Test
    void aStalledClientIsClosedAfterTheStallTimeout() throws Exception {
        JobEventLog log = new JobEventLog(dir.resolve("events.jsonl"), mapper);
        Sink sink = new Sink(false);
        sink.never = true;
        AtomicInteger closes = new AtomicInteger();
        SseSubscriber subscriber = new SseSubscriber(sink, SseImpl.INSTANCE, log::next, 0, Duration.ofSeconds(2),
                closed -> closes.incrementAndGet());
        subscribers.add(JOB, subscriber);
        append(log, JobEvent.EPOCH, Map.of("epoch", 1));
        subscriber.heartbeat();
        assertEquals(0, closes.get(), "still within the timeout");
        Thread.sleep(2500);
        subscriber.heartbeat();
        assertEquals(1, closes.get());
        assertTrue(sink.closed.get());
    }

    /** Appends as JobEvents does: to the log, then a wake-up for the job's subscribers. */
    private void append(JobEventLog log, String name, Map<String, ?> data) {
        log.append(name, mapper.valueToTree(data));
        subscribers.wake(JOB);
    }

    private SseSubscriber subscriber(JobEventLog log, Sink sink, long after, AtomicInteger closes) {
        return new SseSubscriber(sink, SseImpl.INSTANCE, log::next, after, Duration.ofMinutes(1),
                closed -> closes.incrementAndGet());
    }

    /** Records what is sent; completes writes later on another thread (a network), at once, or never. */
    private final class Sink implements SseEventSink {
        final List<OutboundSseEvent> sent = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final boolean async;
        volatile boolean throwOnSend;
        volatile boolean never;

        Sink(boolean async) {
            this.async = async;
        }

        @Override
        public boolean isClosed() {
            return closed.get();
        }

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            if (throwOnSend || closed.get()) {
                throw new IllegalStateException("Already closed");
            }
            sent.add(event);
            if (never) {
                return new CompletableFuture<>();
            }
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            if (!async) {
                inFlight.decrementAndGet();
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.runAsync(inFlight::decrementAndGet, network);
        }

        @Override
        public void close() {
            closed.set(true);
            ended.complete(null);
        }
    }
}
