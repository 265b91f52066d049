package dev.resnetservice.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its own chromedriver (packages chromium and
 * chromium-driver, which .ci/run installs). Selenium is told both paths, so it never tries to
 * download a driver. Without them the test is skipped, loudly (and fails where
 * RESNET_TEST_REQUIRE_BROWSER=true, as in CI).
 */
public final class Browser {

    private static final Path CHROMIUM = Path.of(System.getProperty("test.chromium", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getProperty("test.chromedriver", "/usr/bin/chromedriver"));

    private Browser() {
    }

    /** A fresh headless browser, width x height pixels; aborts (skips) the test when Chromium is missing. */
    public static WebDriver start(int width, int height) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            String message = "SKIPPED: the web page tests need Chromium at " + CHROMIUM + " and chromedriver at "
                    + DRIVER + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)";
            if (Boolean.parseBoolean(System.getenv("RESNET_TEST_REQUIRE_BROWSER"))) {
                throw new IllegalStateException(message.replace("SKIPPED", "RESNET_TEST_REQUIRE_BROWSER is set"));
            }
            System.err.println("\n" + "!".repeat(100) + "\n" + message + "\n" + "!".repeat(100) + "\n");
            Assumptions.abort(message);
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // No background networking: this machine's closed network refuses it, and a test needs none.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=" + width + "," + height);
        return new ChromeDriver(service, options);
    }

    public static <T> T waitFor(WebDriver driver, Duration limit, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, limit, Duration.ofMillis(100)).until(condition);
    }

    /** Saves what the browser shows to {@code target/<name>.png}. */
    public static void screenshot(WebDriver driver, String name) {
        try {
            Files.write(Path.of("target", name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
