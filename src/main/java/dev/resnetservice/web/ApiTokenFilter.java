package dev.resnetservice.web;

import dev.resnetservice.ResnetConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * When {@code resnet.api-token} is set, every call that changes something (POST, PUT, PATCH,
 * DELETE) needs {@code Authorization: Bearer <token>}; reading stays open. Inference (POST
 * /predict, POST /v2/models/.../infer) changes nothing but is a POST: when {@code
 * resnet.predict-token} is set, it takes that token or the api-token, so inference clients need
 * not hold the token that can delete jobs; when it is unset, inference follows the api-token.
 */
public class ApiTokenFilter {

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** Loose on purpose (every POST under /v2 is infer): a path the router matches must never escape the token. */
    private static final Pattern INFERENCE = Pattern.compile("/+predict/*|/+v2(/.*)?");
    private static final String BEARER = "Bearer ";

    private final List<byte[]> apiDigests;
    private final List<byte[]> inferenceDigests;

    public ApiTokenFilter(ResnetConfig config) {
        this.apiDigests = config.apiToken().map(ApiTokenFilter::sha256).stream().toList();
        this.inferenceDigests = config.predictToken().isEmpty() ? apiDigests
                : Stream.concat(config.predictToken().map(ApiTokenFilter::sha256).stream(), apiDigests.stream()).toList();
    }

    /**
     * Configuration reads an empty value as unset, so {@code RESNET_API_TOKEN=} (a typo, a missing
     * secret) would silently turn authentication off: refuse to start instead.
     */
    static void requireNoBlankToken(String variable, String environment, String configured) {
        for (String value : new String[] {environment, configured}) {
            if (value != null && value.isBlank()) {
                throw new IllegalStateException(variable + " is set but empty: that would turn"
                        + " authentication off. Give it a value, or unset it to run without a token");
            }
        }
    }

    // Before matching, so before the body is read: an upload without the token is not written to disk first.
    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireToken(ContainerRequestContext request) {
        if (!MUTATING.contains(request.getMethod())) {
            return Optional.empty();
        }
        String path = request.getUriInfo().getRequestUri().getPath();
        boolean inference = "POST".equals(request.getMethod()) && INFERENCE.matcher(path).matches();
        List<byte[]> accepted = inference ? inferenceDigests : apiDigests;
        if (accepted.isEmpty()) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        // Comparing digests of equal length in constant time tells an attacker nothing about the token.
        if (header != null && header.startsWith(BEARER)) {
            byte[] given = sha256(header.substring(BEARER.length()));
            if (accepted.stream().anyMatch(digest -> MessageDigest.isEqual(given, digest))) {
                return Optional.empty();
            }
        }
        String detail = header != null ? "the bearer token is wrong"
                : inference ? "inference needs 'Authorization: Bearer <token>' (resnet.predict-token or resnet.api-token is set)"
                : "this call changes state and needs 'Authorization: Bearer <token>' (resnet.api-token is set)";
        return Optional.of(Response.fromResponse(ProblemMapper.error(path, 401, "Unauthorized", detail, null))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"resnet-service\"")
                .build());
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
