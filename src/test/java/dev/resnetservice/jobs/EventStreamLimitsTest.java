package dev.resnetservice.jobs;

import static dev.resnetservice.testdata.JobApi.cancel;
import static dev.resnetservice.testdata.JobApi.submit;
import static dev.resnetservice.testdata.JobApi.submitLong;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.resnetservice.testdata.SseClient;
import dev.resnetservice.testdata.SseClient.Event;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestProfile(EventStreamLimitsTest.Limits.class)
class EventStreamLimitsTest {

    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("resnet.jobs.max-streams", "3", "resnet.jobs.max-streams-per-job", "2");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    JobEvents events;

    @Inject
    JobStreams streams;

    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void closeClients() throws Exception {
        for (Socket client : clients) {
            client.close();
        }
        clients.clear();
        waitForOpenStreams(0);
    }

    @Test
    void aHistoryOfThousandsOfEventsReplaysWholeToANewClient() {
        String busy = submitLong();
        String waiting = submit(Map.of("epochs", 1));
        try {
            for (int i = 0; i < 3000; i++) {
                events.append(waiting, JobEvent.PROGRESS, Map.of("epoch", 1, "batch", i));
            }
            List<Event> seen = SseClient.read(base.resolve("/jobs/" + waiting + "/events"), null,
                    Duration.ofMinutes(1), event -> event.id() != null && event.id() >= 3001);
            List<Long> ids = seen.stream().filter(e -> !e.comment()).map(Event::id).toList();
            assertEquals(3001, ids.size(), "every event, no reconnect needed");
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(i + 1, ids.get(i));
            }
        } finally {
            cancel(waiting);
            cancel(busy);
        }
    }

    @Test
    void streamsBeyondTheLimitsAre503AndAClosedClientFreesItsPlace() throws Exception {
        String busy = submitLong();
        String waiting = submit(Map.of("epochs", 1));
        try {
            assertEquals(200, open(busy));
            assertEquals(200, open(busy));
            assertEquals(503, open(busy), "two per job");
            assertEquals(200, open(waiting));
            assertEquals(503, open(waiting), "three in all");

            clients.remove(0).close();
            waitForOpenStreams(2);
            assertEquals(200, open(busy), "the client that left gave its place back");
        } finally {
            cancel(waiting);
            cancel(busy);
        }
    }

    /** Opens an event stream on a socket kept open; returns the HTTP status. */
    private int open(String job) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(10_000);
        clients.add(socket);
        socket.getOutputStream().write(("GET /jobs/" + job + "/events HTTP/1.1\r\nHost: localhost\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        int code = Integer.parseInt(status.split(" ")[1]);
        if (code != 200) {
            socket.close();
            clients.remove(socket);
        }
        return code;
    }

    private void waitForOpenStreams(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (streams.openStreams() != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(expected, streams.openStreams(), "open streams");
    }
}
