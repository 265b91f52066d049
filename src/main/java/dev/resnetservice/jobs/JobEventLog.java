package dev.resnetservice.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import org.jboss.logging.Logger;

/**
 * One job's events.jsonl, kept in memory as well: the file repository's event log. An event is on
 * disk (fsync'd when durable) before anyone hears of it.
 */
final class JobEventLog {

    private static final Logger LOG = Logger.getLogger(JobEventLog.class);

    private final Path file;
    private final ObjectMapper mapper;
    private final List<JobEvent> events = new ArrayList<>();
    private final List<StreamEvent> stream = new ArrayList<>();

    JobEventLog(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper;
        load();
    }

    synchronized JobEvent append(String name, JsonNode data) {
        JobEvent event = new JobEvent(events.isEmpty() ? 1 : last().id() + 1, name, data);
        write(event);
        add(event);
        return event;
    }

    /** The first event after {@code afterId}, or null when there is none (yet). */
    synchronized StreamEvent next(long afterId) {
        int low = 0;
        int high = stream.size();
        while (low < high) { // ids ascend, with a gap where a damaged line was skipped
            int mid = (low + high) >>> 1;
            if (stream.get(mid).id() <= afterId) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low < stream.size() ? stream.get(low) : null;
    }

    synchronized List<JobEvent> events() {
        return List.copyOf(events);
    }

    private JobEvent last() {
        return events.get(events.size() - 1);
    }

    private void add(JobEvent event) {
        try {
            events.add(event);
            stream.add(new StreamEvent(event.id(), event.event(), mapper.writeValueAsString(event.data())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + event.id() + " cannot be written as JSON", e);
        }
    }

    /** Appends one line; a write that fails half-way (a full disk) is cut off again, so the log stays whole. */
    private void write(JobEvent event) {
        try {
            Files.createDirectories(file.getParent());
            byte[] line = (mapper.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long end = channel.size();
                try {
                    ByteBuffer buffer = ByteBuffer.wrap(line);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer, end + buffer.position());
                    }
                    if (event.durable()) {
                        channel.force(false);
                    }
                } catch (IOException e) {
                    channel.truncate(end);
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the event log of job " + file.getParent().getFileName()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the log. Only the last line can be torn by a crash (appends are sequential): it is
     * dropped and cut off the file, so the next append starts on a line of its own. A damaged line
     * anywhere else is skipped and kept on disk, and the events after it stay.
     */
    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            int start = 0;
            while (start < bytes.length) {
                int end = start;
                while (end < bytes.length && bytes[end] != '\n') {
                    end++;
                }
                String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
                boolean lastLine = end >= bytes.length - 1;
                try {
                    if (end == bytes.length) {
                        throw new IOException("no line end");
                    }
                    if (!line.isBlank()) {
                        JobEvent event = mapper.readValue(line, JobEvent.class);
                        if (!events.isEmpty() && event.id() <= last().id()) {
                            throw new IOException("id " + event.id() + " after " + last().id());
                        }
                        add(event);
                    }
                } catch (IOException e) {
                    if (lastLine) {
                        LOG.warnf("%s: dropping a torn last line at byte %d (%s)", file, start, e.getMessage());
                        truncate(start);
                        return;
                    }
                    LOG.warnf("%s: skipping a damaged line at byte %d (%s); the events after it are kept",
                            file, start, e.getMessage());
                }
                start = end + 1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void truncate(long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(length);
            channel.force(false);
        }
    }
}
