package io.ringcache.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** Deterministic 16-byte keys and fixed-size values shared by the benchmarks. */
public final class Keys {

    public static final int KEY_BYTES = 16;
    static final int VALUE_BYTES = 100;

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Keys() {
    }

    /**
     * Writes key number {@code i} into {@code into} (16 bytes): the index and a scrambled copy of
     * it, so keys are distinct and their hashes spread. Writing into a reused array keeps key
     * construction out of the allocation profile; every store copies the key it keeps.
     */
    static void write(byte[] into, long i) {
        LONGS.set(into, 0, i);
        LONGS.set(into, 8, mix(i));
    }

    public static byte[] key(long i) {
        byte[] k = new byte[KEY_BYTES];
        write(k, i);
        return k;
    }

    static byte[] value(long seed) {
        byte[] v = new byte[VALUE_BYTES];
        new SplittableRandom(seed).nextBytes(v);
        return v;
    }

    /** SplitMix64's finalizer. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A cheap uniform index generator (xorshift64) for the measured loops. */
    static final class Picker {
        private final int bound;
        private long state;

        Picker(int bound, long seed) {
            this.bound = bound;
            this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        }

        int next() {
            long x = state;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            state = x;
            return (int) ((x >>> 1) % bound);
        }
    }
}
