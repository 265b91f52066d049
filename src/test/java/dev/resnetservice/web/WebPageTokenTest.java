package dev.resnetservice.web;

import static dev.resnetservice.testdata.JobApi.data;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.testdata.Browser;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** With resnet.api-token set (and reads guarded, the default), the page asks for the token once, then keeps it. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestProfile(ApiTokenTest.WithToken.class)
class WebPageTokenTest {

    @TestHTTPResource("/")
    URL page;

    private WebDriver driver;

    @BeforeEach
    void openBrowser() {
        driver = Browser.start(1280, 1600);
    }

    @AfterEach
    void closeBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    /** Reads are guarded by default: the page asks as it opens, once, then streams and starts jobs with it. */
    @Test
    void asksForTheTokenOnceAndSendsIt() {
        driver.get(page.toString());
        enterToken(Browser.waitFor(driver, Duration.ofSeconds(20), d -> visibleDialog()), "wrong-token");
        Browser.waitFor(driver, Duration.ofSeconds(10),
                d -> d.findElement(By.id("token-error")).getText().contains("refused"));
        assertEquals(null, stored("sessionStorage"), "a refused token is never kept");
        enterToken(visibleDialog(), "s3cret-token");
        waitForForm();
        assertEquals("s3cret-token", stored("sessionStorage"), "kept once the API accepted it");
        assertEquals(null, stored("localStorage"), "and only for this tab's session");

        startJobFromForm();
        Browser.waitFor(driver, Duration.ofSeconds(10),
                d -> d.findElement(By.id("job-title")).getText().startsWith("Job 2"));
        // The state badge moves on through the event stream, which reads with the session cookie.
        Browser.waitFor(driver, Duration.ofSeconds(60),
                d -> List.of("running", "succeeded").contains(d.findElement(By.id("job-state")).getText()));

        // After a reload the token is still there: nothing asks, the next job starts.
        driver.get(page.toString());
        waitForForm();
        startJobFromForm();
        Browser.waitFor(driver, Duration.ofSeconds(10), d -> given().header("Authorization", "Bearer s3cret-token")
                .get("/jobs").then().extract().jsonPath().getList("id").size() == 2);
        assertEquals(null, visibleDialog());
        assertTrue(driver.findElement(By.id("job-form-error")).getText().isEmpty());
    }

    private void waitForForm() {
        Browser.waitFor(driver, Duration.ofSeconds(20),
                d -> "8".equals(d.findElement(By.name("epochs")).getDomProperty("value")));
    }

    private void startJobFromForm() {
        WebElement path = driver.findElement(By.name("dataset.path"));
        path.clear();
        path.sendKeys(data().toString());
        WebElement epochs = driver.findElement(By.name("epochs"));
        epochs.clear();
        epochs.sendKeys("1");
        driver.findElement(By.cssSelector("#job-form button[type='submit']")).click();
    }

    private Object stored(String storage) {
        return ((JavascriptExecutor) driver).executeScript("return " + storage + ".getItem('resnet-service.token')");
    }

    private void enterToken(WebElement dialog, String token) {
        WebElement input = dialog.findElement(By.id("token-input"));
        input.clear();
        input.sendKeys(token);
        dialog.findElement(By.cssSelector("button[value='ok']")).click();
    }

    private WebElement visibleDialog() {
        WebElement dialog = driver.findElement(By.id("token-dialog"));
        return dialog.isDisplayed() ? dialog : null;
    }
}
