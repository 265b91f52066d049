package dev.resnetservice.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
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
        log.append(JobEvent.STATE, mapper.valueToTree(Map.of("state", "queued")));
        log.append(JobEvent.STATE, mapper.valueToTree(Map.of("state", "running")));
        Files.writeString(file, "{\"id\":3,\"event\":\"epo", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        JobEventLog reopened = new JobEventLog(file, mapper);
        assertEquals(List.of(1L, 2L), reopened.events().stream().map(JobEvent::id).toList());
        reopened.append(JobEvent.EPOCH, mapper.valueToTree(Map.of("epoch", 1)));

        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertEquals(3L, new JobEventLog(file, mapper).events().get(2).id());
        assertEquals("epoch", mapper.readTree(lines.get(2)).get("event").asText());
    }

    @Test
    void aDamagedLineInTheMiddleKeepsTheEventsAfterItAndIdsGoOn() throws IOException {
        Path file = dir.resolve("events.jsonl");
        JobEventLog log = new JobEventLog(file, mapper);
        log.append(JobEvent.STATE, mapper.valueToTree(Map.of("state", "running")));
        log.append(JobEvent.EPOCH, mapper.valueToTree(Map.of("epoch", 1)));
        log.append(JobEvent.CHECKPOINT, mapper.valueToTree(Map.of("epoch", 1)));
        log.append(JobEvent.DONE, mapper.valueToTree(Map.of("state", "succeeded")));
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, "{\"id\":2,\"event\":\"epoch\",\"da\u0000\u0000\u0000");
        Files.write(file, lines);
        long size = Files.size(file);

        JobEventLog reopened = new JobEventLog(file, mapper);

        assertEquals(List.of(1L, 3L, 4L), reopened.events().stream().map(JobEvent::id).toList());
        assertEquals(size, Files.size(file), "nothing after the damaged line was cut off");
        assertEquals(5L, reopened.append(JobEvent.STATE, mapper.valueToTree(Map.of("state", "queued"))).id());
        assertEquals(3L, reopened.next(1).id(), "a stream skips the lost id");
    }

    @Test
    void nextWalksTheLogAndEachEventIsSerialisedOnce() {
        JobEventLog log = new JobEventLog(dir.resolve("events.jsonl"), mapper);
        log.append(JobEvent.STATE, mapper.valueToTree(Map.of("state", "queued")));
        log.append(JobEvent.PROGRESS, mapper.valueToTree(Map.of("batch", 1)));

        assertEquals(1L, log.next(0).id());
        assertEquals("{\"batch\":1}", log.next(1).data());
        assertNull(log.next(2));
        assertSame(log.next(1), log.next(1), "one serialised form per event, shared by every subscriber");
    }
}
