package dev.resnetservice.datasets;

import static dev.resnetservice.testdata.DatasetApi.awaitImport;
import static dev.resnetservice.testdata.DatasetApi.newFolder;
import static dev.resnetservice.testdata.JobApi.home;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.testdata.Archives;
import dev.resnetservice.testdata.ImageFolders;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
class DatasetUploadTest {



    private static io.restassured.response.ValidatableResponse upload(String name, String file, byte[] archive) {
        return given().multiPart("name", name).multiPart("archive", file, archive, "application/octet-stream")
                .when().post("/datasets").then();
    }

    @Test
    void aZipOfOneFolderOfClassFoldersImportsLikeTheFolder() throws IOException {
        Path folder = ImageFolders.flat(newFolder("zip"), 10, 11);
        upload("zipped", "colors.zip", Archives.zip(Archives.files(folder, "colors/")))
                .statusCode(202).header("Location", endsWith("/datasets/zipped"));
        JsonPath info = awaitImport("zipped");
        assertEquals("ready", info.getString("state"), info.prettify());
        assertEquals(ImageFolders.CLASSES, info.getList("classes.name"));
        assertEquals(30, info.getInt("images.train") + info.getInt("images.test"));
        assertEquals("upload colors.zip", info.getString("source"));
        assertNoLeftovers("zipped", true);
    }

    @Test
    void aTarGzWithTrainAndTestFoldersKeepsItsSplits() throws IOException {
        Path folder = ImageFolders.split(newFolder("tar"), 4, 2, 12);
        upload("tarred", "colors.tar.gz", Archives.tarGz(Archives.files(folder, ""))).statusCode(202);
        JsonPath info = awaitImport("tarred");
        assertEquals(List.of(4, 4, 4), info.getList("classes.train"), info.prettify());
        assertEquals(List.of(2, 2, 2), info.getList("classes.test"));
    }

    static Stream<Object[]> hostileArchives() throws IOException {
        Map<String, byte[]> good = Archives.files(ImageFolders.flat(newFolder("hostile"), 3, 13), "");
        Map<String, byte[]> traversal = new HashMap<>(good);
        traversal.put("../escaped.png", good.values().iterator().next());
        Map<String, byte[]> absolute = new HashMap<>(good);
        absolute.put("/tmp/absolute.png", good.values().iterator().next());
        Map<String, byte[]> manyFiles = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            manyFiles.put((i % 2 == 0 ? "a/" : "b/") + i + ".png", new byte[] {1});
        }
        Map<String, byte[]> noImages = Map.of("a/1.txt", bytes("text"), "a/2.txt", bytes("text"),
                "b/1.txt", bytes("text"), "b/2.txt", bytes("text"));
        Map<String, byte[]> oneClass = new HashMap<>();
        good.forEach((name, data) -> {
            if (name.startsWith("red/")) {
                oneClass.put(name, data);
            }
        });
        return Stream.of(
                new Object[] {"traversal.zip", Archives.zip(traversal), "archive: entry '../escaped.png' would be written outside"},
                new Object[] {"traversal.tar.gz", Archives.tarGz(traversal), "would be written outside"},
                new Object[] {"absolute.zip", Archives.zip(absolute), "absolute name"},
                new Object[] {"absolute.tar.gz", Archives.tarGz(absolute), "absolute name"},
                new Object[] {"link.zip", Archives.zip(good, Map.of("red/passwd.png", "/etc/passwd")), "is a link"},
                new Object[] {"link.tar.gz", Archives.tarGz(good, Map.of("red/passwd.png", "/etc/passwd")), "is a link"},
                new Object[] {"bomb.zip", Archives.zipBomb("red/zeros.png", 64L << 20), "resnet.datasets.max-unpacked"},
                new Object[] {"many.zip", Archives.zip(manyFiles), "more than 10000 files"},
                new Object[] {"no-images.zip", Archives.zip(noImages), "has no images"},
                new Object[] {"one-class.zip", Archives.zip(oneClass), "at least two"},
                new Object[] {"text.zip", bytes("this is not an archive"), "neither a .zip nor a .tar.gz"});
    }

    @ParameterizedTest
    @MethodSource("hostileArchives")
    void aHostileArchiveGetsA400NamingItAndLeavesNothingBehind(String file, byte[] archive, String detail) {
        String name = file.replace('.', '-');
        upload(name, file, archive)
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString(detail));
        given().get("/datasets/" + name).then().statusCode(404);
        assertNoLeftovers(name, false);
        assertFalse(Files.exists(home().resolve("datasets").resolveSibling("escaped.png")));
        assertFalse(Files.exists(Path.of("/tmp/absolute.png")));
    }

    @Test
    void anArchiveOverTheUploadLimitIs413AndOtherBodiesOverTheirsToo() {
        upload("huge", "huge.zip", new byte[9 << 20]).statusCode(413)
                .body("detail", containsString("resnet.datasets.max-upload"));
        given().contentType("application/json").body("{\"epochs\": 1, \"pad\": \"" + "x".repeat(11 << 20) + "\"}")
                .when().post("/jobs")
                .then().statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("resnet.max-request-body"));
    }

    private static void assertNoLeftovers(String name, boolean kept) {
        Path datasets = home().resolve("datasets");
        assertEquals(kept, Files.exists(datasets.resolve(name)), "the data set's own folder");
        Path incoming = datasets.resolve(".incoming");
        if (Files.isDirectory(incoming)) {
            try (Stream<Path> left = Files.list(incoming)) {
                assertTrue(left.noneMatch(path -> path.getFileName().toString().startsWith(name + "-")),
                        "unpacked files removed");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
