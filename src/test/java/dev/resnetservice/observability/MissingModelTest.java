package dev.resnetservice.observability;

import static dev.resnetservice.testdata.JobApi.home;
import static dev.resnetservice.testdata.JobApi.submit;
import static dev.resnetservice.testdata.JobApi.waitForEnd;
import static dev.resnetservice.testdata.TestImages.png;
import static dev.resnetservice.testdata.TestImages.solid;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.resnetservice.storage.Folders;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
class MissingModelTest {

    @Test
    void removedCheckpointsOfTheServedJobAreAWarningNotAnOutage() throws IOException {
        String job = submit(Map.of("epochs", 1, "batchSize", 50, "limitTrain", 100, "limitTest", 50));
        assertEquals("succeeded", waitForEnd(job, Duration.ofMinutes(3)).getString("state"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'resnet-service' }.data.servedModel", equalTo(job + "@1"));

        Folders.deleteTree(home().resolve("jobs").resolve(job).resolve("checkpoints"));

        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'resnet-service' }.data.warning", containsString("no succeeded job"));
        given().multiPart("image", "a.png", png(solid(32, 32, 0x336699)), "image/png")
                .when().post("/predict").then().statusCode(503).contentType("application/problem+json");
    }
}
