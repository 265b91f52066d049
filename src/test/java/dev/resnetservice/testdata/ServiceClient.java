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
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The job API of a packaged service over plain HTTP, as curl uses it; failures carry the processes' logs. */
public final class ServiceClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Supplier<String> logs;

    /** @param logs what to add to a failure message: the services' log tails */
    public ServiceClient(Supplier<String> logs) {
        this.logs = logs;
    }

    /** POST /jobs; the answer whatever its status. */
    public HttpResponse<String> post(URI base, Map<String, Object> spec) {
        return postJson(base.resolve("/jobs"), spec);
    }

    /** POSTs {@code body} as JSON; the answer whatever its status. */
    public HttpResponse<String> postJson(URI uri, Object body) {
        try {
            return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POST /jobs, which must answer 202; the new job's id. */
    public String submit(URI base, Map<String, Object> spec) {
        HttpResponse<String> response = post(base, spec);
        if (response.statusCode() != 202) {
            throw new AssertionError("POST /jobs answered " + response.statusCode() + ": " + response.body() + logs.get());
        }
        return json(response.body()).get("id").asText();
    }

    public HttpResponse<String> cancel(URI base, String id) {
        return send(HttpRequest.newBuilder(base.resolve("/jobs/" + id)).DELETE());
    }

    public JsonNode job(URI base, String id) {
        return get(base.resolve("/jobs/" + id));
    }

    public JsonNode get(URI uri) {
        return json(send(HttpRequest.newBuilder(uri)).body());
    }

    /** Polls GET /jobs/&lt;id&gt; until {@code reached}; fails with the job and the logs after {@code limit}. */
    public JsonNode waitFor(URI base, String id, Predicate<JsonNode> reached, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        JsonNode job = null;
        while (Instant.now().isBefore(deadline)) {
            job = job(base, id);
            if (reached.test(job)) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not get there within " + limit + ": " + job + logs.get());
    }

    public static Predicate<JsonNode> inState(String state) {
        return job -> state.equals(job.get("state").asText());
    }

    /** The epochs of a job's history or checkpoint rows, in order. */
    public static List<Integer> epochs(JsonNode rows) {
        List<Integer> epochs = new ArrayList<>();
        rows.forEach(row -> epochs.add(row.get("epoch").asInt()));
        return epochs;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }
}
