package dev.resnetservice.observability;

import static dev.resnetservice.testdata.JobApi.submit;
import static dev.resnetservice.testdata.JobApi.waitForEnd;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.resnetservice.testdata.JobApi;
import dev.resnetservice.testdata.TestHome;
import dev.resnetservice.testdata.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
class OperationsTest {

    private static final Pattern METRIC = Pattern.compile("\\b(resnet_[a-z_]+|http_server_requests_seconds_[a-z]+)\\b");
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String metrics;

    /** /q/metrics after a tiny job and a prediction, so every meter has a value. */
    static synchronized String scrapedAfterWork() throws IOException {
        if (metrics == null) {
            String id = submit(Map.of("epochs", 1, "batchSize", 50, "limitTrain", 100, "limitTest", 50));
            assertEquals("succeeded", waitForEnd(id, Duration.ofMinutes(3)).getString("state"));
            byte[] png = TestImages.png(TestImages.solid(32, 32, 0x000000));
            given().multiPart("image", "black.png", png, "image/png").post("/predict")
                    .then().statusCode(200);
            metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        }
        return metrics;
    }

    @Test
    void metricsCarryEveryNameOfTheDesign() throws IOException {
        String scraped = scrapedAfterWork();
        for (String expected : List.of(
                "resnet_jobs{state=\"succeeded\"} 1.0",
                "resnet_training_epochs_total 1.0",
                "resnet_training_examples_total 100.0",
                "resnet_training_examples_per_second{split=\"train\"}",
                "resnet_training_examples_per_second{split=\"test\"}",
                "resnet_training_loss{split=\"train\"}",
                "resnet_training_loss{split=\"test\"}",
                "resnet_training_accuracy ",
                "resnet_predictions_total{outcome=\"success\",protocol=\"predict\"} 1.0",
                "resnet_predict_seconds_bucket",
                "resnet_predict_seconds{protocol=\"predict\",quantile=\"0.99\"",
                "resnet_predict_batch_size_count 1.0",
                "resnet_device_info{device=\"cpu\",engine=\"PyTorch\",version=\"2.7.1\"} 1.0",
                "http_server_requests_seconds_count")) {
            assertTrue(scraped.contains(expected), expected + " in\n" + resnetLines(scraped));
        }
    }

    @Test
    void readinessNamesTheDeviceAndEngine() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'resnet-service' }.data.device", equalTo("cpu"))
                .body("checks.find { it.name == 'resnet-service' }.data.engine", equalTo("PyTorch"))
                .body("checks.find { it.name == 'resnet-service' }.data.version", equalTo("2.7.1"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void thePageComesWithAContentSecurityPolicy() {
        given().get("/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("X-Content-Type-Options", equalTo("nosniff"));
    }

    @Test
    void readinessNamesNoServerPath() {
        String ready = given().get("/q/health/ready").then().statusCode(200).extract().asString();
        assertFalse(ready.contains(JobApi.home().toAbsolutePath().toString()), ready);
        assertFalse(ready.contains("\"home\""), ready);
    }

    @Test
    void everyMetricInTheAlertsAndTheDashboardIsExported() throws IOException {
        String scraped = scrapedAfterWork();
        Set<String> used = new TreeSet<>();
        collectMetricNames(Files.readString(Path.of("deploy/prometheus/alerts.yml")), used);
        collectMetricNames(Files.readString(Path.of("deploy/grafana/dashboard.json")), used);
        assertFalse(used.isEmpty());
        for (String name : used) {
            assertTrue(Pattern.compile("(?m)^" + name + "[{ ]").matcher(scraped).find(),
                    name + " is used by deploy/ but not exported:\n" + resnetLines(scraped));
        }
    }

    @Test
    void manifestsAndComposeParseAndProbesMatchTheApplication() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("deploy"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).toList()) {
                documents.addAll(YAML.readValues(new YAMLFactory().createParser(file.toFile()), JsonNode.class).readAll());
            }
        }
        JSON.readTree(Path.of("deploy/grafana/dashboard.json").toFile());
        JsonNode compose = YAML.readTree(Path.of("docker/compose.yaml").toFile());
        assertTrue(compose.path("services").has("resnet"), "compose has the service");

        JsonNode deployment = documents.stream().filter(d -> "Deployment".equals(d.path("kind").asText())
                && "resnet".equals(d.at("/metadata/name").asText())).findFirst().orElseThrow();
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals(8080, container.at("/ports/0/containerPort").asInt());
        assertEquals("1", container.at("/resources/limits/amd.com~1gpu").asText(), "the GPU deployment asks for a GPU");
        assertEquals("Recreate", deployment.at("/spec/strategy/type").asText());

        JsonNode cpu = YAML.readTree(Path.of("deploy/overlays/cpu/kustomization.yaml").toFile());
        String patch = cpu.at("/patches/0/patch").asText();
        assertTrue(patch.contains("op: remove") && patch.contains("amd.com~1gpu"), "the CPU overlay removes the GPU: " + patch);
    }

    @Test
    void everyCopySourceInTheDockerfilesExists() throws IOException {
        for (String dockerfile : List.of("docker/Dockerfile", "docker/Dockerfile.rocm")) {
            for (String line : Files.readAllLines(Path.of(dockerfile))) {
                String trimmed = line.trim();
                if (!trimmed.startsWith("COPY ") || trimmed.contains("--from=")) {
                    continue;
                }
                String[] words = trimmed.split("\\s+");
                for (int i = 1; i < words.length - 1; i++) {
                    assertTrue(Files.exists(Path.of(words[i])), dockerfile + ": COPY source " + words[i] + " is not in the repo");
                }
            }
        }
    }

    private static void collectMetricNames(String text, Set<String> names) {
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
    }

    private static List<String> resnetLines(String scraped) {
        return scraped.lines().filter(line -> line.startsWith("resnet_")).toList();
    }
}
