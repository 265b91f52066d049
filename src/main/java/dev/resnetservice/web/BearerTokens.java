package dev.resnetservice.web;

import dev.resnetservice.ResnetConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tokens a kind of call takes, kept as SHA-256 digests: comparing digests of equal length in
 * constant time tells an attacker nothing about the token. None means the call is open.
 */
public final class BearerTokens {

    private static final String BEARER = "Bearer ";

    private final List<byte[]> digests;

    private BearerTokens(Stream<String> tokens) {
        this.digests = tokens.map(BearerTokens::sha256).toList();
    }

    /** The api-token, when set: what changes state (and, with guard-reads, what reads) needs it. */
    public static BearerTokens api(ResnetConfig config) {
        return new BearerTokens(config.apiToken().stream());
    }

    /** Open unless resnet.predict-token is set; then it or the api-token, over every protocol. */
    public static BearerTokens inference(ResnetConfig config) {
        return new BearerTokens(config.predictToken().isEmpty() ? Stream.empty()
                : Stream.concat(config.predictToken().stream(), config.apiToken().stream()));
    }

    public static BearerTokens none() {
        return new BearerTokens(Stream.empty());
    }

    public boolean required() {
        return !digests.isEmpty();
    }

    /** Whether an {@code Authorization} value ({@code Bearer <token>}; null when absent) carries one of these tokens. */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        byte[] given = sha256(authorization.substring(BEARER.length()));
        return digests.stream().anyMatch(digest -> MessageDigest.isEqual(given, digest));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
