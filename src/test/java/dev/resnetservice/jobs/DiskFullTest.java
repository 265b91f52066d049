package dev.resnetservice.jobs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.resnetservice.testdata.JobApi;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A disk with less free space than resnet.min-free-disk takes no new job. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestProfile(DiskFullTest.NeverEnough.class)
class DiskFullTest {

    public static class NeverEnough implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("resnet.min-free-disk", "1000000G");
        }
    }

    @Test
    void aNewJobIs507WhenTheDiskIsAlmostFull() {
        given().contentType("application/json")
                .body(Map.of("epochs", 1, "dataset", Map.of("path", JobApi.data().toString())))
                .post("/jobs")
                .then().statusCode(507).contentType("application/problem+json")
                .body("title", equalTo("Insufficient storage"))
                .body("detail", containsString("resnet.min-free-disk"));
        given().get("/jobs").then().statusCode(200).body("size()", equalTo(0));
    }
}
