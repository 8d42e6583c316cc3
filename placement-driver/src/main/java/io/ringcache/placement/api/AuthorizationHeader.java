package io.ringcache.placement.api;

import io.ringcache.placement.core.access.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code authorization} value gRPC metadata and HTTP share (RFC 7617 Basic, RFC 6750 Bearer):
 * {@code Basic base64(user:password)} or {@code Bearer TOKEN}. What clients send and what servers
 * read, in one place.
 */
public final class AuthorizationHeader {

    /** The header (HTTP) and metadata key (gRPC, lower case there). */
    public static final String NAME = "authorization";

    private AuthorizationHeader() {
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /**
     * The credentials {@code value} carries; {@link Credentials#NONE} when it is absent.
     *
     * @throws IllegalArgumentException when it is present but malformed (the caller refuses the
     *                                  request as unauthenticated; the message names no secret)
     */
    public static Credentials parse(String value) {
        if (value == null || value.isBlank()) {
            return Credentials.NONE;
        }
        String v = value.strip();
        int space = v.indexOf(' ');
        String scheme = space < 0 ? v : v.substring(0, space);
        String rest = space < 0 ? "" : v.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer") && !rest.isEmpty()) {
            return Credentials.token(rest);
        }
        if (scheme.equalsIgnoreCase("Basic") && !rest.isEmpty()) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(rest), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the Basic credentials are not base64");
            }
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("the Basic credentials are not user:password");
            }
            return Credentials.password(pair.substring(0, colon), pair.substring(colon + 1));
        }
        throw new IllegalArgumentException("the authorization is neither 'Basic USER:PASSWORD' (base64) nor 'Bearer TOKEN'");
    }
}
