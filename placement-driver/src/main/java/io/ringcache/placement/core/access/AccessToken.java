package io.ringcache.placement.core.access;

/**
 * A bearer token of a user, as the placement state keeps it: only its digest (the token itself is
 * shown once, when issued, and never stored).
 *
 * @param digest          the token's digest ({@link SecretCheck#tokenDigest}), hex
 * @param createdMillis   when it was issued (Unix ms)
 * @param expiresMillis   when it stops being accepted (Unix ms); 0: never
 */
public record AccessToken(String digest, long createdMillis, long expiresMillis) {

    public boolean expiredAt(long nowMillis) {
        return expiresMillis != 0 && nowMillis >= expiresMillis;
    }
}
