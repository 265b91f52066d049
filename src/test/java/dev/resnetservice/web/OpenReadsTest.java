package dev.resnetservice.web;

import static io.restassured.RestAssured.given;

import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** resnet.guard-reads=false: with a token set, reading stays open and writing does not. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestProfile(OpenReadsTest.TokenForWritesOnly.class)
class OpenReadsTest {

    public static class TokenForWritesOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("resnet.api-token", "s3cret-token", "resnet.guard-reads", "false");
        }
    }

    @Test
    void readsAreOpenAndWritesStillNeedTheToken() {
        given().get("/jobs").then().statusCode(200);
        given().get("/models").then().statusCode(200);
        given().contentType("application/json").body("{}").post("/jobs").then().statusCode(401);
    }
}
