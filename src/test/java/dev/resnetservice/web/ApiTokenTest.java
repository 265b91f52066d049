package dev.resnetservice.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestProfile(ApiTokenTest.WithToken.class)
class ApiTokenTest {

    public static class WithToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("resnet.api-token", "s3cret-token");
        }
    }

    @Test
    void mutatingCallWithoutTokenIs401Problem() {
        given().contentType("application/json").body("{\"epochs\": 0}")
                .when().post("/jobs")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401));
        given().when().delete("/jobs/20261126-180530-abcdef").then().statusCode(401);
        given().when().post("/jobs/20261126-180530-abcdef/resume").then().statusCode(401);
        given().multiPart("name", "sneaky").multiPart("archive", "a.zip", new byte[] {'P', 'K', 3, 4}, "application/zip")
                .when().post("/datasets").then().statusCode(401);
        given().contentType("application/json").body("{\"name\": \"sneaky\", \"path\": \"target\"}")
                .when().post("/datasets").then().statusCode(401);
        given().when().delete("/datasets/sneaky").then().statusCode(401);
    }

    @Test
    void wrongTokenIs401() {
        given().header("Authorization", "Bearer s3cret-tokeN").contentType("application/json").body("{\"epochs\": 0}")
                .when().post("/jobs")
                .then().statusCode(401).contentType("application/problem+json")
                .body("detail", containsString("wrong"));
    }

    @Test
    void rightTokenPassesToTheRequestItself() {
        // The spec is invalid on purpose: a 400 about the spec shows the token was accepted.
        given().header("Authorization", "Bearer s3cret-token").contentType("application/json").body("{\"epochs\": 0}")
                .when().post("/jobs")
                .then().statusCode(400).body("field", equalTo("epochs"));
        given().header("Authorization", "Bearer s3cret-token")
                .when().delete("/jobs/20261126-180530-abcdef")
                .then().statusCode(404);
    }

    @Test
    void inferenceNeedsTheApiTokenWhileNoPredictTokenIsSet() {
        given().contentType("image/png").body(new byte[] {1}).when().post("/predict")
                .then().statusCode(401).contentType("application/problem+json");
        given().contentType("application/json").body("{}").when().post("/v2/models/default/infer")
                .then().statusCode(401).contentType("application/json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("error", containsString("Authorization: Bearer"));
        // No model yet: a 503 shows the token was accepted.
        given().header("Authorization", "Bearer s3cret-token").contentType("application/json").body("{}")
                .when().post("/v2/models/default/versions/1/infer")
                .then().statusCode(503).body("error", containsString("no model"));
    }

    @Test
    void inferenceProtocolMetadataAndHealthStayOpen() {
        given().get("/v2").then().statusCode(200);
        given().get("/v2/health/live").then().statusCode(200);
        given().get("/v2/health/ready").then().statusCode(200);
        given().get("/v2/models/default").then().statusCode(503).body("error", containsString("no model"));
    }

    @Test
    void readsStayOpen() {
        given().get("/jobs").then().statusCode(200);
        given().get("/models").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }
}
