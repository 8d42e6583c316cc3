package io.ringcache.e2e;

import java.nio.charset.StandardCharsets;

/**
 * Keys {@code k<n>} and values that carry their key's number in their first 8 bytes, so a read
 * names the write it saw: the loads of the growth and eviction tests.
 */
final class NumberedValues {

    private NumberedValues() {
    }

    static byte[] key(int n) {
        return ("k" + n).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code filler} with {@code n} right-aligned in its first 8 bytes. */
    static byte[] value(int n, byte[] filler) {
        byte[] v = filler.clone();
        byte[] digits = String.format("%8d", n).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, v, 0, digits.length);
        return v;
    }

    /** The number a {@link #value} carries. */
    static int numberOf(byte[] value) {
        return Integer.parseInt(new String(value, 0, 8, StandardCharsets.US_ASCII).trim());
    }
}
