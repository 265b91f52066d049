package dev.resnetservice.web;

import dev.resnetservice.ResnetConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Holds every request body to {@code resnet.max-request-body} except the two uploads that go to
 * disk, each to its own limit: a data set archive (POST /datasets, {@code resnet.datasets.max-upload})
 * and a model's weights (POST /models, {@code resnet.models.max-import}). Checked on the declared
 * length, before a byte is read. A body of unknown length (chunked: some HTTP clients send
 * multipart that way) cannot be judged here and is held to Quarkus' limit, the largest of them.
 */
@ApplicationScoped
public class RequestBodyLimit {

    private final long limit;
    private final long archiveLimit;
    private final long weightsLimit;

    public RequestBodyLimit(ResnetConfig config) {
        this.limit = config.maxRequestBody().asLongValue();
        this.archiveLimit = config.datasets().maxUpload().asLongValue();
        this.weightsLimit = config.models().maxImport().asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(-100).handler(context -> {
            HttpServerRequest request = context.request();
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            String upload = upload(request);
            long allowed = upload == null ? limit : "/datasets".equals(upload) ? archiveLimit : weightsLimit;
            if (length != null && parse(length) > allowed) {
                refuse(request, 413, "Request too large", "the body is " + length + " bytes, more than "
                        + allowed + (upload == null ? " (resnet.max-request-body); data set archives go to POST"
                                + " /datasets, model weights to POST /models"
                                : "/datasets".equals(upload) ? " (resnet.datasets.max-upload)"
                                        : " (resnet.models.max-import)"));
            } else {
                context.next();
            }
        });
    }

    /** The path of a multipart upload that goes to disk, or null for any other request. */
    private static String upload(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        boolean multipartPost = request.method() == HttpMethod.POST && type != null
                && type.startsWith("multipart/form-data");
        return multipartPost && List.of("/datasets", "/models").contains(request.path()) ? request.path() : null;
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void refuse(HttpServerRequest request, int status, String title, String detail) {
        boolean inference = InferenceError.speaksInferenceProtocol(request.path());
        request.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, inference ? "application/json" : "application/problem+json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(Json.encode(inference ? new InferenceError(detail) : new Problem("about:blank", title, status, detail, null)));
    }
}
