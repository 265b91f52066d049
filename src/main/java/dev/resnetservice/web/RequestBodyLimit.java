package dev.resnetservice.web;

import dev.resnetservice.ResnetConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Holds every request body to {@code resnet.max-request-body} except a data set archive, for which
 * Quarkus' own limit is raised: a JSON or image body is read into memory, an archive goes to disk.
 * Checked on the declared length, before a byte is read. A body of unknown length (chunked: some
 * HTTP clients send multipart that way) cannot be judged here and is held to Quarkus' limit.
 */
@ApplicationScoped
public class RequestBodyLimit {

    private final long limit;

    public RequestBodyLimit(ResnetConfig config) {
        this.limit = config.maxRequestBody().asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(-100).handler(context -> {
            HttpServerRequest request = context.request();
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && !archiveUpload(request) && parse(length) > limit) {
                refuse(context.response(), 413, "Request too large", "the body is " + length + " bytes, more than "
                        + limit + " (resnet.max-request-body); data set archives go to POST /datasets");
            } else {
                context.next();
            }
        });
    }

    private static boolean archiveUpload(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return request.method() == HttpMethod.POST && "/datasets".equals(request.path()) && type != null
                && type.startsWith("multipart/form-data");
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void refuse(HttpServerResponse response, int status, String title, String detail) {
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(Json.encode(new Problem("about:blank", title, status, detail, null)));
    }
}
