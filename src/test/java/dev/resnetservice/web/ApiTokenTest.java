package dev.resnetservice.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.testdata.TestHome;
import dev.resnetservice.testdata.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.Cookie;
import java.util.List;
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
    void readsNeedTheTokenTooWhileHealthMetricsAndThePageStayOpen() {
        for (String read : List.of("/jobs", "/models", "/datasets", "/recipes", "/workers",
                "/jobs/20261126-180530-abcdef/events", "/models/default/export")) {
            given().get(read).then().statusCode(401).contentType("application/problem+json")
                    .body("detail", containsString("resnet.guard-reads"));
        }
        given().header("Authorization", "Bearer s3cret-token").get("/jobs").then().statusCode(200);
        given().header("Authorization", "Bearer wrong").get("/jobs").then().statusCode(401);
        for (String open : List.of("/q/health/live", "/q/health/ready", "/q/metrics", "/q/openapi", "/", "/app.js")) {
            given().get(open).then().statusCode(200);
        }
    }

    /** The page's way for EventSource and download links, which cannot send a header: a cookie, for reads only. */
    @Test
    void theSessionCookieOpensReadsButNotWrites() {
        given().post("/session").then().statusCode(401);
        Cookie cookie = given().header("Authorization", "Bearer s3cret-token").post("/session").then().statusCode(204)
                .extract().detailedCookie("resnet-read");
        assertTrue(cookie.isHttpOnly());
        assertEquals("Strict", cookie.getSameSite());
        assertFalse(cookie.getValue().contains("s3cret"), "the cookie does not carry the token");
        given().cookie("resnet-read", cookie.getValue()).get("/jobs").then().statusCode(200);
        given().cookie("resnet-read", cookie.getValue()).get("/models").then().statusCode(200);
        given().cookie("resnet-read", cookie.getValue()).contentType("application/json").body("{}")
                .post("/jobs").then().statusCode(401);
        given().cookie("resnet-read", cookie.getValue()).delete("/jobs/20261126-180530-abcdef").then().statusCode(401);
        given().cookie("resnet-read", "0".repeat(64)).get("/jobs").then().statusCode(401);
    }

    /** Without resnet.predict-token inference is open, whatever the api-token (PredictTokenTest sets one). */
    @Test
    void inferenceIsOpenWhileNoPredictTokenIsSet() {
        // No model yet: a 503 shows the call passed the token check.
        given().contentType("image/png").body(TestImages.png(TestImages.solid(32, 32, 0))).when().post("/predict")
                .then().statusCode(503).contentType("application/problem+json");
        given().contentType("application/json").body("{}").when().post("/v2/models/default/infer")
                .then().statusCode(503).body("error", containsString("no model"));
    }

    @Test
    void inferenceProtocolMetadataAndHealthStayOpen() {
        given().get("/v2").then().statusCode(200);
        given().get("/v2/health/live").then().statusCode(200);
        given().get("/v2/health/ready").then().statusCode(200);
        given().get("/v2/models/default").then().statusCode(503).body("error", containsString("no model"));
    }
}
