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
 * DELETE) needs {@code Authorization: Bearer <token>}, and so does every API read while
 * {@code resnet.guard-reads} is on; a read may instead carry the session cookie (see
 * {@link ReadSession}), since the browser's EventSource cannot set headers and a token in the URL
 * would end up in access logs. Only JAX-RS resources pass here: /q/health, /q/metrics, /q/openapi
 * and the page's static files are served outside it and stay open.
 */
public class ApiTokenFilter {

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String BEARER = "Bearer ";

    private final Optional<byte[]> tokenDigest;
    private final boolean guardReads;
    private final ReadSession session;

    public ApiTokenFilter(ResnetConfig config, ReadSession session) {
        this.tokenDigest = config.apiToken().map(ApiTokenFilter::sha256);
        this.guardReads = config.guardReads();
        this.session = session;
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
        boolean mutating = MUTATING.contains(request.getMethod());
        if (tokenDigest.isEmpty() || !(mutating || guardReads)) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        // Comparing digests of equal length in constant time tells an attacker nothing about the token.
        if (header != null && header.startsWith(BEARER)
                && MessageDigest.isEqual(sha256(header.substring(BEARER.length())), tokenDigest.get())) {
            return Optional.empty();
        }
        // Reads only: a cookie rides along on any request the browser makes, a form from another site's included.
        if (!mutating && header == null && session.accepts(request.getCookies().get(ReadSession.COOKIE))) {
            return Optional.empty();
        }
        String detail = header != null ? "the bearer token is wrong"
                : mutating ? "this call changes state and needs 'Authorization: Bearer <token>' (resnet.api-token is set)"
                : "reads need 'Authorization: Bearer <token>' too (resnet.api-token is set and resnet.guard-reads is on)";
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
