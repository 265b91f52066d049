package dev.resnetservice.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The page's files follow an upgrade: browsers keep them but ask whether they changed on every load. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
class PageCachingTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/index.html", "/app.js", "/app.css", "/webjars/uplot/dist/uPlot.iife.min.js"})
    void pageFilesAreRevalidatedOnEveryLoadAndAnsweredNotModifiedWhileUnchanged(String path) {
        String lastModified = given().when().get(path)
                .then().statusCode(200)
                .header("Cache-Control", equalTo("no-cache"))
                .header("Last-Modified", not(emptyString()))
                .extract().header("Last-Modified");

        given().header("If-Modified-Since", lastModified)
                .when().get(path)
                .then().statusCode(304);
    }
}
