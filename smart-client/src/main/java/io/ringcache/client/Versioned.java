package io.ringcache.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A value with its version (the shard's log position of the write that made it; grows with every
 * write to the key) and its absolute expiry (Unix epoch milliseconds, 0 when it never expires).
 */
public record Versioned(byte[] value, long version, long expiresAtMillis) {

    public String asString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Versioned v && version == v.version && expiresAtMillis == v.expiresAtMillis
                && Arrays.equals(value, v.value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Versioned{" + value.length + " bytes, version " + version
                + (expiresAtMillis == 0 ? "" : ", expires " + expiresAtMillis) + "}";
    }
}
