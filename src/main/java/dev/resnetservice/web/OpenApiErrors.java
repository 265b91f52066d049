package dev.resnetservice.web;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Documents the error answers every operation may give, once instead of on each method: RFC 9457
 * problem+json (the {@link Problem} record) for 4xx and 5xx; the Open Inference Protocol's own
 * {@code {"error": "..."}} under /v2, as that protocol defines.
 */
public class OpenApiErrors implements OASFilter {

    private static final String PROBLEM = "#/components/schemas/Problem";
    private static final String INFERENCE_ERROR = "#/components/schemas/InferenceError";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        openAPI.getComponents().addSchema("Problem", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details; field names the request field at fault, when one is")
                .properties(Map.of(
                        "type", string("a URI naming the kind of problem (about:blank)"),
                        "title", string("a short summary"),
                        "status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER),
                        "detail", string("what was wrong, naming the field or file"),
                        "field", string("the request field at fault, or absent"))));
        openAPI.getComponents().addSchema("InferenceError", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("The Open Inference Protocol's error body").properties(Map.of("error", string("what was wrong"))));
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().values().forEach(operation -> {
            boolean inference = path.startsWith("/v2");
            error(operation, "4XX", inference ? INFERENCE_ERROR : PROBLEM, inference,
                    "the caller's mistake: a bad field, an unknown id or model, a body too large, a missing token");
            error(operation, "5XX", inference ? INFERENCE_ERROR : PROBLEM, inference,
                    "busy (503 with Retry-After: a full queue, no model yet) or an internal error");
        }));
    }

    private static void error(Operation operation, String status, String schema, boolean inference, String description) {
        if (operation.getResponses().hasAPIResponse(status)) {
            return;
        }
        operation.getResponses().addAPIResponse(status, OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType(inference ? "application/json" : "application/problem+json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(schema)))));
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(description);
    }
}
