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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** With resnet.api-token set, the page asks for the token on the first mutating call, then keeps it. */
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

    @Test
    void asksForTheTokenOnceAndSendsIt() {
        startJobFromForm();
        WebElement dialog = Browser.waitFor(driver, Duration.ofSeconds(10), d -> visibleDialog());
        enterToken(dialog, "wrong-token");
        Browser.waitFor(driver, Duration.ofSeconds(10),
                d -> d.findElement(By.id("token-error")).getText().contains("refused"));
        assertEquals(null, stored("sessionStorage"), "a refused token is never kept");
        enterToken(visibleDialog(), "s3cret-token");
        Browser.waitFor(driver, Duration.ofSeconds(10),
                d -> d.findElement(By.id("job-title")).getText().startsWith("Job 2"));
        assertEquals("s3cret-token", stored("sessionStorage"), "kept once the API accepted it");
        assertEquals(null, stored("localStorage"), "and only for this tab's session");

        // After a reload the token is still there: the next job starts without asking.
        startJobFromForm();
        Browser.waitFor(driver, Duration.ofSeconds(10),
                d -> given().get("/jobs").then().extract().jsonPath().getList("id").size() == 2);
        assertEquals(null, visibleDialog());
        assertTrue(driver.findElement(By.id("job-form-error")).getText().isEmpty());
    }

    private void startJobFromForm() {
        driver.get(page.toString());
        Browser.waitFor(driver, Duration.ofSeconds(20),
                d -> "8".equals(d.findElement(By.name("epochs")).getDomProperty("value")));
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
