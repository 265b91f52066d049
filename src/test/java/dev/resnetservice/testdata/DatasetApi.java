package dev.resnetservice.testdata;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Data sets through the running app under test. */
public final class DatasetApi {

    private DatasetApi() {
    }

    /** A new, empty folder under target/image-folders (inside the test profile's resnet.datasets.roots). */
    public static Path newFolder(String what) throws IOException {
        return Files.createDirectories(Path.of("target", "image-folders", what + "-" + UUID.randomUUID()))
                .toAbsolutePath();
    }

    /** Polls GET /datasets/&lt;name&gt; until its import has ended (ready or failed). */
    public static JsonPath awaitImport(String name) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            JsonPath info = given().get("/datasets/" + name).then().statusCode(200).extract().jsonPath();
            if (!"importing".equals(info.getString("state"))) {
                return info;
            }
        }
        throw new AssertionError("data set " + name + " still importing after 2 minutes");
    }
}
