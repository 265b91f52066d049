package dev.resnetservice.jobs;

import static dev.resnetservice.testdata.JobApi.home;
import static dev.resnetservice.testdata.JobApi.submit;
import static dev.resnetservice.testdata.JobApi.waitForEnd;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.resnetservice.testdata.PostgresStore;
import dev.resnetservice.testdata.RequiresPostgres;
import dev.resnetservice.testdata.SseClient;
import dev.resnetservice.testdata.SseClient.Event;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The same API on the cluster mode's store: jobs, events and the default model in PostgreSQL. */
@RequiresPostgres
@QuarkusTest
@QuarkusTestResource(TestHome.class)
@QuarkusTestResource(value = PostgresStore.class, restrictToAnnotatedClass = true)
class ClusterStoreTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    JobRepository repository;

    @Test
    void aJobRunsStreamsAndServesWithItsStateInPostgres() {
        String id = submit(Map.of("epochs", 2, "batchSize", 50, "limitTrain", 100, "limitTest", 50));
        assertEquals("succeeded", waitForEnd(id, Duration.ofMinutes(3)).getString("state"));

        List<Event> events = SseClient.readAll(base.resolve("/jobs/" + id + "/events"), null, Duration.ofMinutes(1));
        assertEquals(LongStream.rangeClosed(1, events.size()).boxed().toList(), events.stream().map(Event::id).toList());
        assertEquals("done", events.get(events.size() - 1).event());
        assertEquals(2, events.stream().filter(e -> e.event().equals("epoch")).count());
        assertEquals(events.size(), repository.events(id).size(), "the events are rows of job_events");
        assertFalse(Files.exists(home().resolve("jobs").resolve(id).resolve("job.json")), "no job.json: the job is a row");
        assertFalse(Files.exists(home().resolve("jobs").resolve(id).resolve("events.jsonl")));

        given().contentType("application/json").body(Map.of("model", id + "@1")).put("/models/default")
                .then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'resnet-service' }.data.servedModel", equalTo(id + "@1"));
        given().get("/jobs/" + id).then().statusCode(200).body("checkpoints.size()", equalTo(2));
    }
}
