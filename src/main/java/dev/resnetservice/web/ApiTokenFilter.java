package dev.resnetservice.web;

import dev.resnetservice.ResnetConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Who may call what. With {@code resnet.api-token} set, every call that changes something (POST,
 * PUT, PATCH, DELETE) needs {@code Authorization: Bearer <token>}, and so does every API read while
 * {@code resnet.guard-reads} is on; a read may instead carry the session cookie ({@link ReadSession}),
 * since the browser's EventSource cannot set headers and a token in a URL ends up in access logs.
 * Inference (POST /predict, POST /v2/...) changes nothing and has its own rule: open unless
 * {@code resnet.predict-token} is set, then that token or the api-token, so inference clients need
 * not hold the token that can delete jobs; the protocol's metadata and health stay open for probes.
 * Only JAX-RS resources pass here: /q/health, /q/metrics, /q/openapi and the page's static files
 * are served outside it and stay open.
 */
public class ApiTokenFilter {

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** Loose on purpose (every POST under /v2 is infer): a path the router matches must never escape the token. */
    private static final Pattern INFERENCE = Pattern.compile("/+predict/*|/+v2(/.*)?");

    private final BearerTokens api;
    private final BearerTokens inference;
    private final boolean guardReads;
    private final ReadSession session;

    public ApiTokenFilter(ResnetConfig config, ReadSession session) {
        this.api = BearerTokens.api(config);
        this.inference = BearerTokens.inference(config);
        this.guardReads = config.guardReads();
        this.session = session;
    }

    /**
     * Configuration reads an empty value as unset, so {@code RESNET_API_TOKEN=} (a typo, a missing
     * secret) would silently turn authentication off: refuse to start instead.
     */
    static void requireNoBlankToken(String property, String environment, String configured) {
        for (String value : new String[] {environment, configured}) {
            if (value != null && value.isBlank()) {
                throw new IllegalStateException(property + " is set but empty: that would turn authentication off."
                        + " Give it a value, or unset it to run without a token");
            }
        }
    }

    // Before matching, so before the body is read: an upload without the token is not written to disk first.
    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireToken(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getPath();
        boolean mutating = MUTATING.contains(request.getMethod());
        boolean inference = INFERENCE.matcher(path).matches();
        BearerTokens accepted = inference ? (mutating ? this.inference : BearerTokens.none())
                : mutating || guardReads ? api : BearerTokens.none();
        if (!accepted.required()) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (accepted.accepts(header)) {
            return Optional.empty();
        }
        // Reads only: a cookie rides along on any request the browser makes, a form from another site's included.
        if (!mutating && header == null && session.accepts(request.getCookies().get(ReadSession.COOKIE))) {
            return Optional.empty();
        }
        String detail = header != null ? "the bearer token is wrong"
                : inference ? "inference needs 'Authorization: Bearer <token>' (resnet.predict-token is set)"
                : mutating ? "this call changes state and needs 'Authorization: Bearer <token>' (resnet.api-token is set)"
                : "reads need 'Authorization: Bearer <token>' too (resnet.api-token is set and resnet.guard-reads is on)";
        return Optional.of(Response.fromResponse(ProblemMapper.error(path, 401, "Unauthorized", detail, null))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"resnet-service\"")
                .build());
    }
}
