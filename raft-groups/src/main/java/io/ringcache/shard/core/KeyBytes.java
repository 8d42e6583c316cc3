package io.ringcache.shard.core;

import java.util.Arrays;

/**
 * Key bytes with value equality, for hash maps and sets keyed by a key's content. The array is
 * the caller's and must never be modified afterwards.
 */
public final class KeyBytes {

    private final byte[] bytes;
    private final int hash;

    public KeyBytes(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** The key; not to be modified. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyBytes other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
