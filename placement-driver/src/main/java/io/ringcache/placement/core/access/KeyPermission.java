package io.ringcache.placement.core.access;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A right on every key that starts with {@code prefix} (etcd's key-range permission, as a prefix):
 * read, write or both. The empty prefix covers the whole keyspace. Immutable.
 */
public final class KeyPermission {

    private final byte[] prefix;
    private final boolean read;
    private final boolean write;

    public KeyPermission(byte[] prefix, boolean read, boolean write) {
        if (!read && !write) {
            throw new IllegalArgumentException("a key permission grants read, write or both");
        }
        this.prefix = prefix.clone();
        this.read = read;
        this.write = write;
    }

    public byte[] prefix() {
        return prefix.clone();
    }

    public boolean read() {
        return read;
    }

    public boolean write() {
        return write;
    }

    /** {@code read}, {@code write} or {@code readwrite}: the CLI's and the docs' word for the rights. */
    public String rights() {
        return read && write ? "readwrite" : read ? "read" : "write";
    }

    /** True when {@code key} starts with this prefix. */
    public boolean covers(byte[] key) {
        return covers(prefix, key);
    }

    static boolean covers(byte[] prefix, byte[] key) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The same prefix with {@code other}'s rights added. */
    KeyPermission plus(KeyPermission other) {
        return new KeyPermission(prefix, read || other.read, write || other.write);
    }

    boolean samePrefix(byte[] other) {
        return Arrays.equals(prefix, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyPermission k && k.read == read && k.write == write && Arrays.equals(k.prefix, prefix);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(prefix) * 4 + (read ? 2 : 0) + (write ? 1 : 0);
    }

    /** The prefix as UTF-8 text when it is valid text, else as hex with a {@code 0x} mark. */
    @Override
    public String toString() {
        return rights() + " " + printable(prefix);
    }

    /** How a prefix is shown: quoted text, or {@code 0x...} when it is not printable UTF-8. */
    public static String printable(byte[] prefix) {
        var decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        try {
            String text = decoder.decode(java.nio.ByteBuffer.wrap(prefix)).toString();
            if (text.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
                return "\"" + text + "\"";
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            // shown as hex below
        }
        return "0x" + HexFormat.of().formatHex(prefix);
    }
}
