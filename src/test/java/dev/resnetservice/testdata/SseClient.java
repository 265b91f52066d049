package dev.resnetservice.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Reads a text/event-stream the way a browser's EventSource does: id, event, data, blank line; ':' lines are comments. */
public final class SseClient {

    /** One event and when it arrived; comments come through with event ":" and the comment as data text. */
    public record Event(Long id, String event, String data, Instant received) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + data, e);
            }
        }

        public boolean comment() {
            return ":".equals(event);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    // HTTP/1.1: a connection per stream, as a browser's EventSource has over plain http
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private SseClient() {
    }

    /** Every event until the server ends the stream, comments left out. */
    public static List<Event> readAll(URI uri, String lastEventId, Duration limit) {
        return read(uri, lastEventId, limit, event -> false).stream().filter(e -> !e.comment()).toList();
    }

    /** Events (comments included) until {@code stop} accepts one or the server ends the stream. */
    public static List<Event> read(URI uri, String lastEventId, Duration limit, Predicate<Event> stop) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        CompletableFuture<List<Event>> reading = HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("status " + response.statusCode());
                    }
                    try (Stream<String> lines = response.body()) {
                        return parse(lines.iterator(), stop);
                    }
                });
        try {
            return reading.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            reading.cancel(true);
            throw new AssertionError("reading " + uri + " failed: " + e, e);
        }
    }

    private static List<Event> parse(Iterator<String> lines, Predicate<Event> stop) {
        List<Event> events = new ArrayList<>();
        Long id = null;
        String name = null;
        StringBuilder data = new StringBuilder();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith(":")) {
                Event comment = new Event(null, ":", line.substring(1).trim(), Instant.now());
                events.add(comment);
                if (stop.test(comment)) {
                    return events;
                }
            } else if (line.isEmpty()) {
                if (name != null || data.length() > 0) {
                    Event event = new Event(id, name == null ? "message" : name, data.toString(), Instant.now());
                    events.add(event);
                    if (stop.test(event)) {
                        return events;
                    }
                }
                id = null;
                name = null;
                data.setLength(0);
            } else if (line.startsWith("id:")) {
                id = Long.parseLong(line.substring(3).trim());
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).stripLeading());
            }
        }
        return events;
    }
}
