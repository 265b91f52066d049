package dev.resnetservice.jobs;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.jboss.logging.Logger;

/**
 * Sends a job's events to one SSE connection, one at a time: the next event is read from the log
 * when the previous one has been written, so a replay of any length and a slow client cost one
 * event in flight, and training never waits. The connection ends after the job's {@code done}
 * event, when the client leaves, or when a write has been stuck longer than the stall timeout (the
 * client reconnects with Last-Event-ID and misses nothing: the log is the truth).
 *
 * <p>A client may leave at any moment, also between a check and a send: every call into the sink is
 * isolated, and a failure only ends this connection.
 */
final class SseSubscriber implements EventSubscriber {

    private static final Logger LOG = Logger.getLogger(SseSubscriber.class);

    private final SseEventSink sink;
    private final Sse sse;
    private final LongFunction<StreamEvent> log;
    private final long stallNanos;
    private final Consumer<SseSubscriber> onClosed;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final AtomicInteger pumps = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastSent;
    private volatile long sendStarted;

    /**
     * @param log the event after a given id, or null when there is none yet
     * @param after the last event the client has
     * @param onClosed runs once, when this connection ends for whatever reason
     */
    SseSubscriber(SseEventSink sink, Sse sse, LongFunction<StreamEvent> log, long after, Duration stallTimeout,
            Consumer<SseSubscriber> onClosed) {
        this.sink = sink;
        this.sse = sse;
        this.log = log;
        this.lastSent = after;
        this.stallNanos = stallTimeout.toNanos();
        this.onClosed = onClosed;
    }

    /**
     * Sends the next event if none is in flight. Whoever finds the loop running only asks it to go
     * round once more, so a write that completes at once never recurses into the next.
     */
    @Override
    public void wake() {
        if (pumps.getAndIncrement() != 0) {
            return;
        }
        do {
            if (!closed.get() && !inFlight.get()) {
                StreamEvent next = log.apply(lastSent);
                if (next != null && inFlight.compareAndSet(false, true)) {
                    send(sse.newEventBuilder().id(Long.toString(next.id())).name(next.name()).data(next.data()).build(),
                            next);
                }
            }
        } while (pumps.decrementAndGet() != 0);
    }

    @Override
    public void heartbeat() {
        if (closed.get()) {
            return;
        }
        if (inFlight.compareAndSet(false, true)) {
            send(sse.newEventBuilder().comment("keep-alive").build(), null);
        } else if (System.nanoTime() - sendStarted > stallNanos) {
            LOG.infof("closing an event stream whose client has read nothing for %d s; it can resume after event %d",
                    stallNanos / 1_000_000_000, lastSent);
            close();
        }
    }

    /** Ends the stream; with the job's end, after a last comment saying so. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.debugf("closing an event stream: %s", e.getMessage());
        } finally {
            onClosed.accept(this);
        }
    }

    /** @param event what the sent line carries, or null for a comment */
    private void send(OutboundSseEvent out, StreamEvent event) {
        sendStarted = System.nanoTime();
        CompletionStage<?> sent;
        try {
            sent = sink.send(out);
        } catch (RuntimeException e) { // "Already closed": the client left after the last check
            inFlight.set(false);
            close();
            return;
        }
        sent.whenComplete((ignored, error) -> {
            if (error != null) {
                inFlight.set(false);
                close();
                return;
            }
            if (event != null) {
                lastSent = event.id();
            }
            // A resumed job has a done event per run: the stream ends at the last one.
            if (event != null && event.done() && log.apply(event.id()) == null) {
                endOfJob();
                return;
            }
            inFlight.set(false);
            wake();
        });
    }

    private void endOfJob() {
        try {
            sink.send(sse.newEventBuilder().comment("end of job").build()).whenComplete((ignored, error) -> close());
        } catch (RuntimeException e) {
            close();
        }
    }
}
