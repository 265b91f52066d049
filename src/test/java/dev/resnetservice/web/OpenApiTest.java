package dev.resnetservice.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.testdata.TestHome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The API description at /q/openapi against the resources the code has: neither may hold what the other lacks. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
class OpenApiTest {

    private static final Map<Class<? extends Annotation>, String> VERBS = Map.of(GET.class, "get", POST.class, "post",
            PUT.class, "put", DELETE.class, "delete");

    private static JsonNode document() throws Exception {
        return new ObjectMapper().readTree(given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asByteArray());
    }

    @Test
    void describesEveryEndpointTheCodeHasAndNoOther() throws Exception {
        Set<String> described = new TreeSet<>();
        document().get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(verb -> described.add(verb + " " + path.getKey())));
        assertEquals(endpointsInCode(), described);
    }

    @Test
    void everyOperationSaysWhatItAnswersAndHowItFails() throws Exception {
        JsonNode paths = document().get("paths");
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            String name = operation.getKey() + " " + path.getKey();
            JsonNode responses = operation.getValue().get("responses");
            assertTrue(responses.fieldNames().next().startsWith("2"), name + " documents its success: " + responses);
            String errors = path.getKey().startsWith("/v2") ? "application/json" : "application/problem+json";
            assertTrue(responses.path("4XX").path("content").has(errors), name + " documents its 4xx as " + errors);
        }));
        assertTrue(paths.at("/~1jobs~1{id}~1events/get/responses/200/content").has("text/event-stream"),
                "the event stream");
        assertEquals("#/components/schemas/JobSpec",
                paths.at("/~1jobs/post/requestBody/content/application~1json/schema/$ref").asText());
        assertEquals("#/components/schemas/Job", paths.at("/~1jobs/post/responses/202/content/application~1json/schema/$ref")
                .asText());
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    /** "verb /path" of every resource method under dev.resnetservice, read from the compiled classes. */
    private static Set<String> endpointsInCode() throws Exception {
        java.nio.file.Path classes = java.nio.file.Path.of("target/classes");
        Set<String> endpoints = new TreeSet<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes.resolve("dev/resnetservice"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, OpenApiTest.class.getClassLoader());
                Path root = type.getAnnotation(Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    VERBS.forEach((annotation, verb) -> {
                        if (method.isAnnotationPresent(annotation)) {
                            Path sub = method.getAnnotation(Path.class);
                            endpoints.add(verb + " " + (root.value() + (sub == null ? "" : "/" + sub.value()))
                                    .replaceAll("/+", "/").replaceAll("/$", ""));
                        }
                    });
                }
            }
        }
        return endpoints;
    }
}
