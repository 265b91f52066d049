package dev.resnetservice.datasets;

import static dev.resnetservice.testdata.DatasetApi.awaitImport;
import static dev.resnetservice.testdata.DatasetApi.newFolder;
import static dev.resnetservice.testdata.JobApi.cancel;
import static dev.resnetservice.testdata.JobApi.home;
import static dev.resnetservice.testdata.JobApi.submitLong;
import static dev.resnetservice.testdata.JobApi.waitForEnd;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.storage.Folders;
import dev.resnetservice.testdata.ImageFolders;
import dev.resnetservice.testdata.SyntheticCifar10;
import dev.resnetservice.testdata.SyntheticCifar100;
import dev.resnetservice.testdata.TestHome;
import dev.resnetservice.testdata.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestHome.class)
class DatasetResourceTest {


    private static JsonPath importFolder(String name, Path path) {
        given().contentType("application/json").body(Map.of("name", name, "path", path.toString()))
                .when().post("/datasets")
                .then().statusCode(202)
                .header("Location", endsWith("/datasets/" + name))
                .body("name", equalTo(name));
        return awaitImport(name);
    }


    @Test
    void importsAnImageFolderTrainsOnItAndPredictsItsClassNames() throws IOException {
        Path root = ImageFolders.flat(newFolder("colors"), 40, 3);
        Files.writeString(root.resolve("README.txt"), "not in a class folder");
        Files.writeString(root.resolve("red").resolve("notes.png"), "not an image");

        JsonPath info = importFolder("colors", root);
        assertEquals("ready", info.getString("state"), info.prettify());
        assertEquals(ImageFolders.CLASSES, info.getList("classes.name"));
        List<Integer> train = info.getList("classes.train");
        List<Integer> test = info.getList("classes.test");
        assertEquals(List.of(40, 40, 40), List.of(train.get(0) + test.get(0), train.get(1) + test.get(1),
                train.get(2) + test.get(2)), "every image of every class; the broken one of red skipped" + info.prettify());
        assertEquals(120, info.getInt("images.train") + info.getInt("images.test"));
        assertEquals(List.of("README.txt", "red/notes.png"), info.getList("skipped.file"));
        List<Float> mean = info.getList("mean");
        assertEquals(3, mean.size());
        assertTrue(mean.stream().allMatch(m -> m > 0.2 && m < 0.6), "each colour dominates a third: " + mean);
        assertTrue(given().get("/datasets").then().statusCode(200).extract().<List<String>>path("name").contains("colors"));

        Map<String, Object> spec = Map.of("epochs", 4, "batchSize", 16, "dataset", Map.of("name", "colors"),
                "optimizer", Map.of("name", "adam", "lr", 0.001));
        String id = given().contentType("application/json").body(spec).when().post("/jobs")
                .then().statusCode(202)
                .body("spec.dataset.format", equalTo("imagefolder"))
                .body("spec.normalization.mean", equalTo(info.getList("mean")))
                .extract().path("id");
        JsonPath job = waitForEnd(id, Duration.ofMinutes(5));
        assertEquals("succeeded", job.getString("state"), job.prettify());
        assertTrue(job.getFloat("history[3].testAccuracy") > 0.9f, job.prettify());

        byte[] red = TestImages.png(ImageFolders.image(2, 50, 30, new Random(99)));
        given().multiPart("image", "red.png", red, "image/png")
                .when().post("/predict?model=" + id)
                .then().statusCode(200)
                .body("predictions[0].label", equalTo("red"));
    }

    @Test
    void theImportOfTenThousandImagesReportsItsProgress() throws IOException {
        Path root = newFolder("ten-thousand");
        for (int c = 0; c < 2; c++) {
            Path dir = Files.createDirectories(root.resolve("class-" + c));
            byte[] png = TestImages.png(ImageFolders.image(c, 8, 8, new Random(c)));
            for (int i = 0; i < 5_000; i++) {
                Files.write(dir.resolve(i + ".png"), png);
            }
        }
        given().contentType("application/json").body(Map.of("name", "many", "path", root.toString()))
                .when().post("/datasets").then().statusCode(202).body("progress.total", equalTo(10_000));
        Set<Integer> seen = new TreeSet<>();
        JsonPath info;
        do {
            info = given().get("/datasets/many").then().statusCode(200).extract().jsonPath();
            seen.add(info.getInt("progress.done"));
        } while ("importing".equals(info.getString("state")));
        assertEquals("ready", info.getString("state"), info.prettify());
        assertTrue(seen.stream().anyMatch(done -> done > 0 && done < 10_000), "progress between start and end: " + seen);
        assertEquals(10_000, info.getInt("progress.done"));
        assertEquals(10_000, info.getInt("images.train") + info.getInt("images.test"));
    }

    @Test
    void aSplitFolderKeepsItsSplitsAndADataSetInUseCannotBeDeleted() throws IOException {
        importFolder("split", ImageFolders.split(newFolder("split"), 6, 2, 5));
        JsonPath info = given().get("/datasets/split").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(6, 6, 6), info.getList("classes.train"));
        assertEquals(List.of(2, 2, 2), info.getList("classes.test"));

        given().contentType("application/json").body(Map.of("name", "split", "path", newFolder("again").toString()))
                .when().post("/datasets")
                .then().statusCode(409).body("detail", containsString("exists"));

        String blocker = submitLong();
        Map<String, Object> spec = new HashMap<>(Map.of("epochs", 1, "dataset", Map.of("name", "split")));
        String id = given().contentType("application/json").body(spec).when().post("/jobs")
                .then().statusCode(202).extract().path("id");
        given().delete("/datasets/split")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString(id));
        cancel(id);
        cancel(blocker);
        given().delete("/datasets/split").then().statusCode(204);
        given().get("/datasets/split").then().statusCode(404);
        assertFalse(Files.exists(home().resolve("datasets").resolve("split")));
    }

    @Test
    void badFoldersAndNamesGetA400NamingTheProblemAndLeaveNothingBehind() throws IOException {
        Path oneClass = newFolder("one-class");
        ImageFolders.flat(oneClass, 3, 1);
        Folders.deleteTree(oneClass.resolve("green"));
        Folders.deleteTree(oneClass.resolve("red"));
        Path emptyClass = ImageFolders.flat(newFolder("empty-class"), 3, 1);
        Files.createDirectories(emptyClass.resolve("yellow"));
        Path noTest = ImageFolders.split(newFolder("no-test"), 3, 1, 1);
        Folders.deleteTree(noTest.resolve("test").resolve("red"));

        rejected("one", oneClass, "path", "at least two");
        rejected("empty", emptyClass, "path", "class 'yellow' has no images");
        rejected("notest", noTest, "path", "class 'red' has no test images");
        rejected("outside", Path.of(System.getProperty("java.io.tmpdir")), "path", "resnet.datasets.roots");
        rejected("missing", Path.of("target", "no-such-folder"), "path", "no folder");
        rejected("../escape", emptyClass, "name", "not a data set name");
        rejected("Upper", emptyClass, "name", "not a data set name");
        for (String name : List.of("one", "empty", "notest", "outside", "missing")) {
            given().get("/datasets/" + name).then().statusCode(404);
        }
        assertFalse(Files.exists(home().resolve("datasets").resolve("escape")));
    }

    @Test
    void jobsNamingAMissingDataSetOrAFolderOutsideTheRootsGetA400() {
        given().contentType("application/json").body(Map.of("dataset", Map.of("name", "nothing-here")))
                .when().post("/jobs")
                .then().statusCode(400).body("detail", containsString("dataset.name"));
        given().contentType("application/json").body(Map.of("dataset", Map.of("path", "/etc")))
                .when().post("/jobs")
                .then().statusCode(400).body("detail", containsString("resnet.datasets.roots"));
        given().contentType("application/json").body(Map.of("dataset", Map.of("format", "imagefolder", "path", "target")))
                .when().post("/jobs")
                .then().statusCode(400).body("detail", containsString("POST /datasets"));
    }

    @Test
    void trainsOnCifar100WithItsTwentySuperClasses() throws IOException {
        Path folder = SyntheticCifar100.write(newFolder("cifar100").resolve("cifar-100-binary"), 200, 40, 9);
        Map<String, Object> spec = Map.of("epochs", 1, "batchSize", 50, "dataset",
                Map.of("format", "cifar100-binary", "path", folder.toString(), "labels", "coarse"));
        String id = given().contentType("application/json").body(spec).when().post("/jobs")
                .then().statusCode(202).body("spec.dataset.labels", equalTo("coarse")).extract().path("id");
        JsonPath job = waitForEnd(id, Duration.ofMinutes(5));
        assertEquals("succeeded", job.getString("state"), job.prettify());
        JsonPath answer = given().multiPart("image", "x.png", TestImages.png(ImageFolders.image(0, 32, 32, new Random(1))),
                "image/png").when().post("/predict?model=" + id + "&topk=20").then().statusCode(200).extract().jsonPath();
        assertEquals(20, answer.getList("predictions[0].top").size());
        assertTrue(answer.getString("predictions[0].label").startsWith("coarse_"), answer.prettify());

        given().contentType("application/json").body(Map.of("dataset", Map.of("labels", "coarse")))
                .when().post("/jobs")
                .then().statusCode(400).body("detail", containsString("dataset.labels: only for cifar100-binary"));
    }

    @Test
    void theHomeFoldersCifar10IsListedAndNamedButNeitherReplacedNorDeleted() throws IOException {
        Path folder = home().resolve("datasets").resolve("cifar-10-batches-bin");
        SyntheticCifar10.write(folder, 50, 20, 1);
        try {
            JsonPath cifar10 = given().get("/datasets/cifar10").then().statusCode(200).extract().jsonPath();
            assertEquals("cifar10-binary", cifar10.getString("format"));
            assertEquals("ready", cifar10.getString("state"));
            assertEquals(10, cifar10.getList("classes").size());
            assertEquals(50, cifar10.getInt("images.train"));
            assertEquals(20, cifar10.getInt("images.test"));
            assertEquals(3, cifar10.getList("mean").size());
            assertTrue(given().get("/datasets").then().extract().<List<String>>path("name").contains("cifar10"));

            given().contentType("application/json").body(Map.of("name", "cifar10", "path", newFolder("x").toString()))
                    .when().post("/datasets").then().statusCode(409).body("detail", containsString("built-in CIFAR-10"));
            given().delete("/datasets/cifar10").then().statusCode(409).body("detail", containsString("by hand"));
            String id = given().contentType("application/json")
                    .body(Map.of("epochs", 1, "batchSize", 25, "dataset", Map.of("name", "cifar10")))
                    .when().post("/jobs").then().statusCode(202)
                    .body("spec.dataset.format", equalTo("cifar10-binary"))
                    .extract().path("id");
            assertEquals("succeeded", waitForEnd(id, Duration.ofMinutes(5)).getString("state"));
        } finally {
            Folders.deleteTree(folder);
        }
        given().get("/datasets/cifar10").then().statusCode(404);
    }

    private static void rejected(String name, Path path, String field, String detail) {
        given().contentType("application/json").body(Map.of("name", name, "path", path.toString()))
                .when().post("/datasets")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString(field + ": "))
                .body("detail", containsString(detail));
    }
}
