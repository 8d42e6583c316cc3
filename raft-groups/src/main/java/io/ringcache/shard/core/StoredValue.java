package io.ringcache.shard.core;

import java.util.Arrays;

/**
 * A value as stored: its bytes, its version (the log position that last wrote it, see
 * {@link ShardEngine}) and its absolute expiry in milliseconds (0 = never).
 */
public record StoredValue(byte[] value, long version, long expiresAt) {

    /** True when the value has expired at {@code now} (milliseconds). */
    public boolean expiredAt(long now) {
        return expiresAt != 0 && expiresAt <= now;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredValue other
                && version == other.version
                && expiresAt == other.expiresAt
                && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(value) + Long.hashCode(version)) + Long.hashCode(expiresAt);
    }

    @Override
    public String toString() {
        return "StoredValue{" + value.length + " bytes, version=" + version + ", expiresAt=" + expiresAt + "}";
    }
}
