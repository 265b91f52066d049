package dev.resnetservice.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into {@code application/problem+json}, or into the Open Inference
 * Protocol's {@link InferenceError} under its paths. The caller's mistakes name what was wrong;
 * anything else is a 500 whose detail says nothing of the service's insides (the stack trace
 * goes to the log only).
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    public static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");

    @ServerExceptionMapper
    public Response problem(ProblemException e, HttpServerRequest request) {
        Response response = error(request.path(), e.status(), e.title(), e.getMessage(), e.field());
        return e.retryAfterSeconds() > 0
                ? Response.fromResponse(response).header("Retry-After", e.retryAfterSeconds()).build()
                : response;
    }

    /** Malformed JSON, a wrong type or an unknown field; a spec rule broken inside a record's constructor. */
    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, HttpServerRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProblemException problem) {
                return problem(problem, request);
            }
        }
        String field = e instanceof JsonMappingException mapping ? path(mapping) : null;
        String detail = e instanceof UnrecognizedPropertyException unknown
                ? "unknown field '" + field + "'"
                : (field == null ? "" : field + ": ") + e.getOriginalMessage();
        return error(request.path(), 400, "Malformed request body", detail, field);
    }

    /** Quarkus maps this subtype (a wrong type, an unknown field) itself unless told otherwise. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, HttpServerRequest request) {
        return badJson(e, request);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpServerRequest request) {
        // Quarkus' JSON reader wraps Jackson's exception, which says what was wrong with the body.
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json, request);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return error(request.path(), status.getStatusCode(), status.getReasonPhrase(), e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, HttpServerRequest request) {
        LOG.error("unexpected failure", e);
        return error(request.path(), 500, "Internal error", "the service failed to answer; its log says why", null);
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? null : path;
    }

    /** An error answer in the form the path's protocol speaks. */
    public static Response error(String path, int status, String title, String detail, String field) {
        if (InferenceError.speaksInferenceProtocol(path)) {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new InferenceError(detail)).build();
        }
        return problem(status, title, detail, field);
    }

    public static Response problem(int status, String title, String detail, String field) {
        return Response.status(status)
                .type(PROBLEM_JSON)
                .entity(new Problem("about:blank", title, status, detail, field))
                .build();
    }
}
