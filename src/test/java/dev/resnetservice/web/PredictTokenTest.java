package dev.resnetservice.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With resnet.predict-token set, inference takes it (or the api-token); nothing else does. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestProfile(PredictTokenTest.WithBothTokens.class)
class PredictTokenTest {

    private static final String INFER = "/v2/models/default/infer";

    public static class WithBothTokens implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("resnet.api-token", "admin-token", "resnet.predict-token", "inference-token");
        }
    }

    // No model is trained here: a 503 "no model" shows the token passed.

    @Test
    void inferenceTakesThePredictToken() {
        given().header("Authorization", "Bearer inference-token").contentType("application/json").body("{}")
                .when().post(INFER).then().statusCode(503).contentType("application/json");
        given().header("Authorization", "Bearer inference-token").contentType("image/png").body(new byte[] {1})
                .when().post("/predict").then().statusCode(503).contentType("application/problem+json");
    }

    @Test
    void inferenceTakesTheApiTokenToo() {
        given().header("Authorization", "Bearer admin-token").contentType("application/json").body("{}")
                .when().post(INFER).then().statusCode(503);
        given().header("Authorization", "Bearer admin-token").contentType("image/png").body(new byte[] {1})
                .when().post("/predict").then().statusCode(503);
    }

    @Test
    void inferenceWithoutOrWithAWrongTokenIs401() {
        given().contentType("application/json").body("{}").when().post(INFER)
                .then().statusCode(401).contentType("application/json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("error", containsString("resnet.predict-token"));
        given().header("Authorization", "Bearer guess").contentType("application/json").body("{}")
                .when().post("/v2/models/some-model/versions/2/infer")
                .then().statusCode(401).body("error", containsString("wrong"));
        given().contentType("image/png").body(new byte[] {1}).when().post("/predict")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void thePredictTokenAllowsNothingButInference() {
        given().header("Authorization", "Bearer inference-token").contentType("application/json").body("{\"epochs\": 0}")
                .when().post("/jobs").then().statusCode(401);
        given().header("Authorization", "Bearer inference-token").contentType("application/json")
                .body("{\"model\": \"x\"}").when().put("/models/default").then().statusCode(401);
    }

    @Test
    void metadataAndHealthStayOpen() {
        given().get("/v2/health/ready").then().statusCode(200);
        given().get("/v2/models/default/ready").then().statusCode(503);
    }
}
