package dev.resnetservice.web;

import dev.resnetservice.ResnetConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * When {@code resnet.api-token} is set, every call that changes something (POST, PUT, PATCH,
 * DELETE) needs {@code Authorization: Bearer <token>}; reading stays open.
 */
public class ApiTokenFilter {

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String BEARER = "Bearer ";

    private final Optional<byte[]> tokenDigest;

    public ApiTokenFilter(ResnetConfig config) {
        this.tokenDigest = config.apiToken().map(ApiTokenFilter::sha256);
    }

    /**
     * Configuration reads an empty value as unset, so {@code RESNET_API_TOKEN=} (a typo, a missing
     * secret) would silently turn authentication off: refuse to start instead.
     */
    static void requireNoBlankToken(String environment, String configured) {
        for (String value : new String[] {environment, configured}) {
            if (value != null && value.isBlank()) {
                throw new IllegalStateException("RESNET_API_TOKEN (resnet.api-token) is set but empty: that would turn"
                        + " authentication off. Give it a value, or unset it to run without a token");
            }
        }
    }

    // Before matching, so before the body is read: an upload without the token is not written to disk first.
    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireToken(ContainerRequestContext request) {
        if (tokenDigest.isEmpty() || !MUTATING.contains(request.getMethod())) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        // Comparing digests of equal length in constant time tells an attacker nothing about the token.
        if (header != null && header.startsWith(BEARER)
                && MessageDigest.isEqual(sha256(header.substring(BEARER.length())), tokenDigest.get())) {
            return Optional.empty();
        }
        String detail = header == null
                ? "this call changes state and needs 'Authorization: Bearer <token>' (resnet.api-token is set)"
                : "the bearer token is wrong";
        return Optional.of(Response.fromResponse(ProblemMapper.problem(401, "Unauthorized", detail, null))
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
