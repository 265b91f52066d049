package dev.resnetservice.inference;

import static dev.resnetservice.testdata.JobApi.submit;
import static dev.resnetservice.testdata.JobApi.waitForEnd;
import static dev.resnetservice.testdata.TestImages.png;
import static dev.resnetservice.testdata.TestImages.solid;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request never waits for the device longer than resnet.predict.timeout. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestProfile(PredictTimeoutTest.Impatient.class)
class PredictTimeoutTest {

    public static class Impatient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("resnet.predict.timeout", "1ms");
        }
    }

    @Test
    void aRequestTheDeviceCannotAnswerInTimeIs503AndTheServiceGoesOn() {
        String job = submit(Map.of("epochs", 1, "batchSize", 50, "limitTrain", 100, "limitTest", 50));
        assertEquals("succeeded", waitForEnd(job, Duration.ofMinutes(3)).getString("state"));
        for (int i = 0; i < 3; i++) {
            given().multiPart("image", "a.png", png(solid(32, 32, 0x336699)), "image/png")
                    .when().post("/predict")
                    .then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", equalTo("1"))
                    .body("detail", containsString("resnet.predict.timeout"));
        }
        given().get("/q/health/live").then().statusCode(200);
    }
}
