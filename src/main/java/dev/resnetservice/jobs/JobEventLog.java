package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * One job's events.jsonl and its live subscribers. An event is on disk (fsync'd when durable)
 * before any subscriber hears of it, and replay plus registration happen under the same lock
 * as appends, so a new subscriber sees every event once, with no gap at the seam.
 */
final class JobEventLog {

    private static final Logger LOG = Logger.getLogger(JobEventLog.class);

    private final Path file;
    private final ObjectMapper mapper;
    private final List<JobEvent> events;
    private final List<EventSubscriber> subscribers = new CopyOnWriteArrayList<>();

    JobEventLog(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper;
        this.events = load();
    }

    synchronized JobEvent append(String name, Object data) {
        JsonNode json = mapper.valueToTree(data);
        JobEvent event = new JobEvent(events.isEmpty() ? 1 : last().id() + 1, name, json);
        write(event);
        events.add(event);
        subscribers.removeIf(subscriber -> !subscriber.offer(event));
        if (JobEvent.DONE.equals(name)) {
            subscribers.forEach(EventSubscriber::close);
            subscribers.clear();
        }
        return event;
    }

    /** Replays the events after {@code afterId}, then keeps the subscriber for live ones unless the job is over. */
    synchronized void subscribe(EventSubscriber subscriber, long afterId) {
        for (JobEvent event : events) {
            if (event.id() > afterId && !subscriber.offer(event)) {
                return;
            }
        }
        if (!events.isEmpty() && JobEvent.DONE.equals(last().event())) {
            subscriber.close();
        } else {
            subscribers.add(subscriber);
        }
    }

    void heartbeat() {
        subscribers.forEach(EventSubscriber::heartbeat);
    }

    synchronized List<JobEvent> events() {
        return List.copyOf(events);
    }

    private JobEvent last() {
        return events.get(events.size() - 1);
    }

    private void write(JobEvent event) {
        try {
            Files.createDirectories(file.getParent());
            byte[] line = (mapper.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (event.durable()) {
                    channel.force(false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the log; a last line cut short by a crash is dropped and cut off the file, so the
     * next append starts on a line of its own.
     */
    private List<JobEvent> load() {
        List<JobEvent> loaded = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return loaded;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            int start = 0;
            long validLength = 0;
            while (start < bytes.length) {
                int end = start;
                while (end < bytes.length && bytes[end] != '\n') {
                    end++;
                }
                String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
                try {
                    if (end == bytes.length) {
                        throw new IOException("no line end");
                    }
                    if (!line.isBlank()) {
                        loaded.add(mapper.readValue(line, JobEvent.class));
                    }
                    validLength = end + 1;
                } catch (IOException e) {
                    LOG.warnf("%s: dropping a torn line at byte %d (%s)", file, start, e.getMessage());
                    break;
                }
                start = end + 1;
            }
            if (validLength < bytes.length) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(validLength);
                    channel.force(false);
                }
            }
            return loaded;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
