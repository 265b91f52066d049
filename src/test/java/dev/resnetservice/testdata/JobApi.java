package dev.resnetservice.testdata;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.ConfigProvider;

/** The job API as a test drives it: submit, poll, wait; plus the shared generated data set. */
public final class JobApi {

    public static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled", "interrupted");
    private static Path data;
    private static String tinyModel;

    private JobApi() {
    }

    /** A small learnable data set in CIFAR-10's binary layout, written once per test run. */
    public static synchronized Path data() {
        if (data == null) {
            data = SyntheticCifar10.write(Path.of("target/synthetic-cifar10"), 2000, 500, 7);
        }
        return data;
    }

    /** The app's home folder (each app start under test gets a fresh one, see TestHome). */
    public static Path home() {
        return Path.of(ConfigProvider.getConfig().getValue("resnet.home", String.class));
    }

    /** A job on the generated data: {@code fields} are added to the spec. */
    public static String submit(Map<String, Object> fields) {
        Map<String, Object> spec = new java.util.HashMap<>(fields);
        spec.putIfAbsent("dataset", Map.of("path", data().toString()));
        return given().contentType("application/json").body(spec)
                .when().post("/jobs")
                .then().statusCode(202)
                .header("Location", matchesPattern(".*/jobs/\\d{8}-\\d{6}-[a-z0-9]{6}"))
                .body("state", equalTo("queued"))
                .extract().path("id");
    }

    /** A model to export or serve: one epoch on 256 generated images, trained once per test JVM (its app start). */
    public static synchronized String tinyModel() {
        if (tinyModel == null) {
            String id = submit(Map.of("epochs", 1, "batchSize", 64, "limitTrain", 256, "limitTest", 64,
                    "optimizer", Map.of("lr", 0.001)));
            JsonPath job = waitForEnd(id, Duration.ofMinutes(5));
            if (!"succeeded".equals(job.getString("state"))) {
                throw new AssertionError("the tiny model's job did not succeed: " + job.prettify());
            }
            tinyModel = id;
        }
        return tinyModel;
    }

    /** A job that runs for minutes unless cancelled, to keep the worker busy. */
    public static String submitLong() {
        return submit(Map.of("epochs", 100, "batchSize", 16, "limitTrain", 320, "limitTest", 16));
    }

    public static JsonPath get(String id) {
        return given().get("/jobs/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Cancels a job: 200 when it is cancelled at once, 202 while a running one finishes its batch. */
    public static void cancel(String id) {
        given().delete("/jobs/" + id).then().statusCode(anyOf(is(200), is(202)));
    }

    public static JsonPath waitForEnd(String id, Duration limit) {
        return waitFor(id, limit, job -> ENDED.contains(job.getString("state")));
    }

    /** Polls the job until {@code done}; fails if it ends first or the limit passes. */
    public static JsonPath waitFor(String id, Duration limit, Predicate<JsonPath> done) {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            JsonPath job = get(id);
            if (done.test(job)) {
                return job;
            }
            if (ENDED.contains(job.getString("state"))) {
                throw new AssertionError("job " + id + " ended before it got there: " + job.prettify());
            }
            sleep(200);
        }
        throw new AssertionError("job " + id + " did not get there within " + limit + ": " + get(id).prettify());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
