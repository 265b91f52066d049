package dev.resnetservice.web;

import static dev.resnetservice.testdata.JobApi.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.testdata.Archives;
import dev.resnetservice.testdata.Browser;
import dev.resnetservice.testdata.ImageFolders;
import dev.resnetservice.testdata.TestHome;
import dev.resnetservice.testdata.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The web page in a real browser against the real app: train from the form, watch, classify. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
class WebPageTest {

    private static final Duration TRAINING = Duration.ofMinutes(4);

    @TestHTTPResource("/")
    URL page;

    private WebDriver driver;

    @BeforeEach
    void openBrowser() {
        driver = Browser.start(1280, 2000);
    }

    @AfterEach
    void closeBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void uploadsAZipOfImagesAndShowsItsClassesWithSamples() throws Exception {
        Path folder = ImageFolders.flat(Files.createDirectories(Path.of("target", "image-folders",
                "web-" + UUID.randomUUID())), 6, 21);
        Path zip = Files.write(folder.resolveSibling(folder.getFileName() + ".zip"),
                Archives.zip(Archives.files(folder, "colors/")));
        driver.get(page.toString());
        driver.findElement(By.id("upload-name")).sendKeys("webcolors");
        driver.findElement(By.id("upload-archive")).sendKeys(zip.toAbsolutePath().toString());
        driver.findElement(By.cssSelector("#upload-form button[type=submit]")).click();

        List<WebElement> rows = Browser.waitFor(driver, Duration.ofSeconds(60), d -> {
            List<WebElement> found = d.findElements(By.cssSelector("#dataset-classes tbody tr"));
            return found.size() == 3 && found.get(0).findElements(By.tagName("img")).size() == 4 ? found : null;
        });
        assertEquals(List.of("blue", "green", "red"), rows.stream()
                .map(row -> row.findElement(By.tagName("td")).getText()).toList());
        Browser.waitFor(driver, Duration.ofSeconds(10), d -> d.findElement(By.cssSelector(
                "#dataset-list tbody tr[data-dataset=webcolors] td.state")).getText().equals("ready"));
        assertTrue(driver.findElement(By.id("job-dataset")).getText().contains("webcolors (3 classes)"));
    }

    @Test
    void trainsFromTheFormWatchesItLiveAndClassifiesAnUpload() throws Exception {
        driver.get(page.toString());
        Browser.waitFor(driver, Duration.ofSeconds(20), d -> "8".equals(field("epochs").getDomProperty("value")));
        assertEquals("256", field("batchSize").getDomProperty("value"));
        assertEquals("0.01", field("optimizer.lr").getDomProperty("value"));

        // A bad value comes back from the API and is shown next to its field.
        type("epochs", "0");
        submit();
        WebElement error = Browser.waitFor(driver, Duration.ofSeconds(10),
                d -> d.findElement(By.id("error-epochs")));
        assertTrue(error.getText().contains("between 1 and"), error.getText());
        assertEquals("true", field("epochs").getDomAttribute("aria-invalid"));

        type("dataset.path", data().toString());
        type("epochs", "2");
        type("batchSize", "64");
        type("optimizer.lr", "0.001");
        submit();

        // Each epoch adds a point to both charts and a row to the table, live.
        for (String epochs : List.of("1", "2")) {
            Browser.waitFor(driver, TRAINING, d -> epochs.equals(chartPoints("loss-chart"))
                    && epochs.equals(chartPoints("accuracy-chart")));
        }
        Browser.waitFor(driver, TRAINING, d -> "succeeded".equals(d.findElement(By.id("job-state")).getText()));
        List<WebElement> rows = driver.findElements(By.cssSelector("#epochs tbody tr"));
        assertEquals(2, rows.size());
        assertTrue(rows.get(1).getText().matches("2 \\d+\\.\\d{4} \\d+\\.\\d{4} \\d+\\.\\d{2} % .*"), rows.get(1).getText());

        // The samples strip: ten test images, their classes and the newest checkpoint's guesses.
        Browser.waitFor(driver, Duration.ofSeconds(20),
                d -> d.findElements(By.cssSelector("#samples li img")).size() == 10
                        && d.findElement(By.id("samples-model")).getText().contains("@2"));
        ImageDataset dataset = Cifar10Reader.read(data());
        WebElement first = driver.findElement(By.cssSelector("#samples li"));
        assertTrue(first.getText().startsWith(dataset.classes().get(dataset.test().label(0)) + " → "), first.getText());
        assertTrue(first.findElement(By.tagName("img")).getDomAttribute("src").startsWith("data:image/png;base64,"));

        // Upload a test image (file picker); the model names its class with a probability.
        Path upload = Files.createTempFile("upload-", ".png");
        Files.write(upload, TestImages.png(TestImages.record(dataset.test(), 3)));
        driver.findElement(By.id("predict-files")).sendKeys(upload.toString());
        WebElement card = Browser.waitFor(driver, Duration.ofSeconds(30),
                d -> d.findElement(By.cssSelector("#predictions li")));
        List<WebElement> bars = card.findElements(By.className("bar"));
        assertEquals(3, bars.size());
        String best = bars.get(0).getText();
        assertTrue(best.matches(dataset.classes().get(dataset.test().label(3)) + "\\s+\\d+\\.\\d{2} %"), best);
        Browser.screenshot(driver, "web-page");

        // At a phone's width (headless windows cannot be narrower than 500 px, so emulate one),
        // nothing makes the page scroll sideways.
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 375, "height", 1600, "deviceScaleFactor", 1, "mobile", true));
        Browser.waitFor(driver, Duration.ofSeconds(5), d -> script("return window.innerWidth").equals(375L)
                && (Long) script("return document.documentElement.scrollWidth") <= 375);
        Browser.screenshot(driver, "web-page-375px");
    }

    @Test
    void reconnectsAfterADroppedStreamWithoutLosingOrRepeatingPoints() {
        driver.get(page.toString());
        Browser.waitFor(driver, Duration.ofSeconds(20), d -> "8".equals(field("epochs").getDomProperty("value")));
        type("dataset.path", data().toString());
        type("epochs", "3");
        type("batchSize", "64");
        type("limitTrain", "640");
        submit();
        Browser.waitFor(driver, TRAINING, d -> "1".equals(chartPoints("loss-chart")));
        // The connection drops for good (as when the browser gives up): the page must notice, and
        // resume after the last event it drew.
        script("view.source.close(); view.source.dispatchEvent(new Event('error'))");
        Browser.waitFor(driver, TRAINING, d -> "succeeded".equals(d.findElement(By.id("job-state")).getText()));
        assertEquals("3", chartPoints("loss-chart"));
        assertEquals(3, driver.findElements(By.cssSelector("#epochs tbody tr")).size());
        List<String> epochs = driver.findElements(By.cssSelector("#epochs tbody tr td:first-child"))
                .stream().map(WebElement::getText).toList();
        assertEquals(List.of("1", "2", "3"), epochs);
    }

    private WebElement field(String name) {
        return driver.findElement(By.cssSelector("#job-form [name='" + name + "']"));
    }

    private void type(String name, String value) {
        WebElement input = field(name);
        input.clear();
        input.sendKeys(value);
    }

    private void submit() {
        driver.findElement(By.cssSelector("#job-form button[type='submit']")).click();
    }

    private String chartPoints(String id) {
        return driver.findElement(By.id(id)).getDomAttribute("data-points");
    }

    private Object script(String code) {
        return ((JavascriptExecutor) driver).executeScript(code);
    }
}
