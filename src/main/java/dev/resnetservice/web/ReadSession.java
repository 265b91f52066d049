package dev.resnetservice.web;

import dev.resnetservice.ResnetConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.NewCookie;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cookie that lets a browser read with guarded reads on: an HMAC of a fixed label keyed with the
 * API token, so it reveals nothing about the token, needs no server state (every API replica with
 * the same token accepts it), and stops working when the token changes. HttpOnly (scripts cannot
 * read it) and SameSite=Strict (no other site's page sends it); good for reads only.
 */
@ApplicationScoped
public class ReadSession {

    static final String COOKIE = "resnet-read";

    private final Optional<String> value;

    public ReadSession(ResnetConfig config) {
        this.value = config.apiToken().map(ReadSession::hmac);
    }

    /** The cookie to set, when a token is configured. */
    public Optional<NewCookie> cookie() {
        return value.map(v -> new NewCookie.Builder(COOKIE).value(v).path("/").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).build());
    }

    boolean accepts(Cookie cookie) {
        return cookie != null && value.isPresent() && MessageDigest.isEqual(
                cookie.getValue().getBytes(StandardCharsets.US_ASCII), value.get().getBytes(StandardCharsets.US_ASCII));
    }

    private static String hmac(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal("resnet-service read session".getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }
}
