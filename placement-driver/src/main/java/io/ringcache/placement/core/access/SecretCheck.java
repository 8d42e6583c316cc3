package io.ringcache.placement.core.access;

/**
 * The cryptography authentication needs, as a port (the adapter uses a maintained KDF): checks a
 * password against its stored hash, and digests a bearer token so it can be looked up without
 * keeping it.
 */
public interface SecretCheck {

    /** True when {@code password} hashes to {@code storedHash}; false for any malformed hash. */
    boolean passwordMatches(String storedHash, String password);

    /** A token's digest, as {@link AccessToken#digest()} keeps it. */
    String tokenDigest(String token);
}
