package dev.resnetservice.web;

import static dev.resnetservice.testdata.JobApi.data;
import static dev.resnetservice.testdata.JobApi.waitForEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.testdata.Archives;
import dev.resnetservice.testdata.Browser;
import dev.resnetservice.testdata.ImageFolders;
import dev.resnetservice.testdata.JobApi;
import dev.resnetservice.testdata.TestHome;
import dev.resnetservice.testdata.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The web page in a real browser against the real app: train from the form, watch, classify. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
class WebPageTest {

    private static final Duration TRAINING = Duration.ofMinutes(4);
    private static List<String> finishedJobs;

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

    @Test
    void groupsTheModelsByJobNewestFirstWithEarlierCheckpointsBehindAToggle() {
        List<String> jobs = finishedJobs();
        String older = jobs.get(0);
        String newer = jobs.get(1);
        driver.get(page.toString());
        Browser.waitFor(driver, Duration.ofSeconds(20),
                d -> shownModels(older).size() == 1 && shownModels(newer).size() == 1);

        assertEquals(List.of(older + "@2"), shownModels(older));
        assertEquals(List.of(newer + "@3"), shownModels(newer));
        List<?> groups = (List<?>) script(
                "return [...document.querySelectorAll('#model-list tbody')].map((g) => g.dataset.group)");
        assertTrue(groups.indexOf(newer) < groups.indexOf(older), "the newer job's group comes first: " + groups);
        for (String job : jobs) {
            assertEquals(List.of("safetensors", "huggingface", "onnx"), script("return [...document.querySelectorAll(\""
                    + "#model-list tbody[data-group='" + job + "'] tr:first-child .exports a\")]"
                    + ".map((a) => a.textContent)"));
        }
        assertEquals("false", toggle(newer).getDomAttribute("aria-expanded"));

        clickAfresh(By.cssSelector("#model-list tbody[data-group='" + newer + "'] button[aria-expanded]"));
        Browser.waitFor(driver, Duration.ofSeconds(10), d -> shownModels(newer).size() == 3);
        assertEquals("true", toggle(newer).getDomAttribute("aria-expanded"));
        assertEquals(List.of(newer + "@3", newer + "@2", newer + "@1"), shownModels(newer));
        assertEquals(List.of(older + "@2"), shownModels(older), "the other job stays folded");
    }

    @Test
    void lossChartTurnsToALogScaleWhenItsRangePassesTwoDecadesUnlessTheUserChoseOtherwise() {
        List<String> jobs = finishedJobs();
        driver.get(page.toString());
        clickAfresh(By.cssSelector("button[aria-label='View job " + jobs.get(1) + "']"));
        Browser.waitFor(driver, Duration.ofSeconds(20), d -> "3".equals(chartPoints("loss-chart")));
        WebElement logScale = driver.findElement(By.id("loss-log"));
        assertTrue(logScale.isDisplayed());

        // The page's rule, on losses whose range this test controls: one test-loss spike of 34
        // against 0.03 passes two decades.
        script("view.rows = [[1, 0.5, 0.04, 0.03], [2, 0.4, 0.03, 0.05]]; drawCharts()");
        Browser.waitFor(driver, Duration.ofSeconds(5), d -> "linear".equals(chartScale()));
        assertFalse(logScale.isSelected());
        script("view.rows.push([3, 0.3, 0.03, 34]); drawCharts()");
        Browser.waitFor(driver, Duration.ofSeconds(5), d -> "log".equals(chartScale()));
        assertTrue(logScale.isSelected());

        // The user's choice sticks for the job shown, whatever comes next.
        logScale.click();
        Browser.waitFor(driver, Duration.ofSeconds(5), d -> "linear".equals(chartScale()));
        script("view.rows.push([4, 0.2, 0.03, 40]); drawCharts()");
        Browser.waitFor(driver, Duration.ofSeconds(5), d -> "4".equals(script(
                "return String(view.loss.data[0].length)")));
        assertEquals("linear", chartScale());
        assertFalse(logScale.isSelected());
    }

    @Test
    void tablesFitTheirBoxesWithoutScrollingSidewaysAt1280And375Pixels() {
        finishedJobs();
        driver.get(page.toString());
        Browser.waitFor(driver, Duration.ofSeconds(20),
                d -> !d.findElements(By.cssSelector("#epochs tbody tr")).isEmpty()
                && !d.findElements(By.cssSelector("#model-list button[aria-expanded]")).isEmpty());
        script("document.querySelectorAll('#model-list button[aria-expanded]').forEach((b) => b.click())");
        Browser.screenshot(driver, "web-page-tables-1280px");
        assertEquals(List.of(), settledSidewaysScrolls(), "at 1280 px");

        // Headless windows cannot be narrower than 500 px: emulate a phone.
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 375, "height", 1600, "deviceScaleFactor", 1, "mobile", true));
        Browser.waitFor(driver, Duration.ofSeconds(5), d -> script("return window.innerWidth").equals(375L));
        Browser.screenshot(driver, "web-page-tables-375px");
        assertEquals(List.of(), settledSidewaysScrolls(), "at 375 px");
    }

    /** Two finished jobs of two and three one-batch epochs, trained once for this class's app. */
    private static synchronized List<String> finishedJobs() {
        if (finishedJobs == null) {
            List<String> ids = new ArrayList<>();
            for (int epochs : List.of(2, 3)) {
                String id = JobApi.submit(Map.<String, Object>of("epochs", epochs, "batchSize", 32,
                        "limitTrain", 32, "limitTest", 32));
                assertEquals("succeeded", waitForEnd(id, TRAINING).getString("state"));
                ids.add(id);
            }
            finishedJobs = List.copyOf(ids);
        }
        return finishedJobs;
    }

    /** Clicks what the selector finds, finding it again when the page redrew it (tables are redrawn on events). */
    private void clickAfresh(By selector) {
        Browser.waitFor(driver, Duration.ofSeconds(20), d -> {
            try {
                d.findElement(selector).click();
                return true;
            } catch (StaleElementReferenceException | NoSuchElementException e) {
                return null;
            }
        });
    }

    private WebElement toggle(String job) {
        return driver.findElement(By.cssSelector("#model-list tbody[data-group='" + job + "'] button[aria-expanded]"));
    }

    /** The names of a job's model rows that show, top to bottom. */
    @SuppressWarnings("unchecked")
    private List<String> shownModels(String job) {
        return (List<String>) script("return [...document.querySelectorAll(\"#model-list tbody[data-group='" + job
                + "'] tr\")].filter((row) => !row.hidden).map((row) => row.dataset.model)");
    }

    private String chartScale() {
        return driver.findElement(By.id("loss-chart")).getDomAttribute("data-scale");
    }

    /** {@link #sidewaysScrolls} once the layout has had a moment to settle (none, or what is left after 5 s). */
    private List<String> settledSidewaysScrolls() {
        try {
            Browser.waitFor(driver, Duration.ofSeconds(5), d -> sidewaysScrolls().isEmpty());
        } catch (TimeoutException e) {
            // reported by the caller's assertion
        }
        return sidewaysScrolls();
    }

    /** The page, and every table box shown, that is wider inside than it shows ("what: inner/shown"). */
    @SuppressWarnings("unchecked")
    private List<String> sidewaysScrolls() {
        return (List<String>) script("""
                const boxes = [['page', document.documentElement], ...[...document.querySelectorAll('.scroll')]
                  .filter((box) => box.offsetParent).map((box) => [box.querySelector('table').id, box])];
                return boxes.filter(([, box]) => box.scrollWidth > box.clientWidth)
                  .map(([name, box]) => `${name}: ${box.scrollWidth}/${box.clientWidth}`);""");
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
