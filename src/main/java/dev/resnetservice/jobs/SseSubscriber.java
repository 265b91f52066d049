package dev.resnetservice.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends a job's events to one SSE connection without ever waiting for it: each send is
 * asynchronous, and a client with more than {@code maxUnsent} events not yet written is closed
 * (it reconnects with Last-Event-ID and misses nothing, since the log is the truth).
 */
final class SseSubscriber implements EventSubscriber {

    private static final Logger LOG = Logger.getLogger(SseSubscriber.class);

    private final SseEventSink sink;
    private final Sse sse;
    private final ObjectMapper mapper;
    private final int maxUnsent;
    private final AtomicInteger unsent = new AtomicInteger();

    SseSubscriber(SseEventSink sink, Sse sse, ObjectMapper mapper, int maxUnsent) {
        this.sink = sink;
        this.sse = sse;
        this.mapper = mapper;
        this.maxUnsent = maxUnsent;
    }

    @Override
    public boolean offer(JobEvent event) {
        if (sink.isClosed()) {
            return false;
        }
        if (unsent.incrementAndGet() > maxUnsent) {
            LOG.infof("closing an event stream %d events behind; the client can resume from event %d",
                    maxUnsent, event.id() - maxUnsent);
            sink.close();
            return false;
        }
        try {
            OutboundSseEvent out = sse.newEventBuilder()
                    .id(Long.toString(event.id()))
                    .name(event.event())
                    .data(mapper.writeValueAsString(event.data()))
                    .build();
            send(out);
            return true;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + event.id() + " cannot be written as JSON", e);
        }
    }

    @Override
    public void heartbeat() {
        if (!sink.isClosed() && unsent.get() == 0) {
            unsent.incrementAndGet();
            send(sse.newEventBuilder().comment("keep-alive").build());
        }
    }

    @Override
    public void close() {
        sink.send(sse.newEventBuilder().comment("end of job").build())
                .whenComplete((ignored, error) -> sink.close());
    }

    private void send(OutboundSseEvent event) {
        sink.send(event).whenComplete((ignored, error) -> {
            unsent.decrementAndGet();
            if (error != null) {
                sink.close();
            }
        });
    }
}
