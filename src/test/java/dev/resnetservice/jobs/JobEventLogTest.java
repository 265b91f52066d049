package dev.resnetservice.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobEventLogTest {

    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();

    @TempDir
    Path dir;

    @Test
    void aTornLastLineIsDroppedAndTheNextEventStartsOnALineOfItsOwn() throws IOException {
        Path file = dir.resolve("events.jsonl");
        JobEventLog log = new JobEventLog(file, mapper);
        log.append(JobEvent.STATE, Map.of("state", "queued"));
        log.append(JobEvent.STATE, Map.of("state", "running"));
        Files.writeString(file, "{\"id\":3,\"event\":\"epo", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        JobEventLog reopened = new JobEventLog(file, mapper);
        assertEquals(List.of(1L, 2L), reopened.events().stream().map(JobEvent::id).toList());
        reopened.append(JobEvent.EPOCH, Map.of("epoch", 1));

        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertEquals(3L, new JobEventLog(file, mapper).events().get(2).id());
        assertEquals("epoch", mapper.readTree(lines.get(2)).get("event").asText());
    }

    @Test
    void aSubscriberGetsTheEventsAfterItsLastOneThenLiveOnes() {
        JobEventLog log = new JobEventLog(dir.resolve("events.jsonl"), mapper);
        log.append(JobEvent.STATE, Map.of("state", "queued"));
        log.append(JobEvent.STATE, Map.of("state", "running"));
        log.append(JobEvent.PROGRESS, Map.of("batch", 1));
        Recorder recorder = new Recorder(100);

        log.subscribe(recorder, 1);
        log.append(JobEvent.EPOCH, Map.of("epoch", 1));

        assertEquals(List.of(2L, 3L, 4L), recorder.ids);
        assertFalse(recorder.closed);
    }

    @Test
    void doneEndsEveryStreamAndALateSubscriberGetsTheHistoryThenTheEnd() {
        JobEventLog log = new JobEventLog(dir.resolve("events.jsonl"), mapper);
        Recorder early = new Recorder(100);
        log.subscribe(early, 0);
        log.append(JobEvent.STATE, Map.of("state", "succeeded"));
        log.append(JobEvent.DONE, Map.of("state", "succeeded"));
        Recorder late = new Recorder(100);

        log.subscribe(late, 0);

        assertTrue(early.closed);
        assertTrue(late.closed);
        assertEquals(List.of(1L, 2L), late.ids);
    }

    @Test
    void aSubscriberThatRefusesAnEventIsDroppedWithoutStoppingTheOthers() {
        JobEventLog log = new JobEventLog(dir.resolve("events.jsonl"), mapper);
        Recorder slow = new Recorder(1);
        Recorder fine = new Recorder(100);
        log.subscribe(slow, 0);
        log.subscribe(fine, 0);

        for (int i = 0; i < 5; i++) {
            log.append(JobEvent.PROGRESS, Map.of("batch", i));
        }

        assertEquals(List.of(1L), slow.ids);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), fine.ids);
    }

    /** Takes up to {@code capacity} events, then refuses, like a client too far behind. */
    private static final class Recorder implements EventSubscriber {
        final List<Long> ids = new ArrayList<>();
        final int capacity;
        boolean closed;

        Recorder(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean offer(JobEvent event) {
            if (ids.size() >= capacity) {
                return false;
            }
            ids.add(event.id());
            return true;
        }

        @Override
        public void heartbeat() {
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
