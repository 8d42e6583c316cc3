package io.ringcache.routing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The 64-bit key hash that places every key on the ring: <b>XXH64</b> (xxHash, 64-bit variant)
 * over the key's bytes with the fixed seed {@link #SEED}.
 *
 * <p>This is a cross-language contract: a client in any language must produce the same 64 bits
 * for the same key bytes, or it routes to the wrong shard. XXH64 is specified at
 * https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md and has implementations in
 * every common language; pass {@code SEED} as the seed. Reference values (key as UTF-8 bytes,
 * hash as unsigned hex), pinned in {@code KeyHashTest} and checked there against an independent
 * XXH64 implementation:
 * <pre>
 *   ""                                              -> 0xc879fde12f167bdb
 *   "hello"                                         -> 0xc4375797e520fd5f
 *   "user:1234567890123456789012345678901234567890" -> 0x69421935110acdb7
 * </pre>
 * The result is read as an <em>unsigned</em> 64-bit ring position.
 *
 * <p>Allocation-free and thread-safe.
 */
public final class KeyHash {

    /** The fixed seed: the ASCII bytes of "RINGCACH" read big-endian. Never change it. */
    public static final long SEED = 0x52494E4743414348L;

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private KeyHash() {
    }

    /** The ring position of {@code key}. */
    public static long of(byte[] key) {
        return xxh64(key, 0, key.length, SEED);
    }

    /** The ring position of {@code key[offset, offset + length)}. */
    public static long of(byte[] key, int offset, int length) {
        if (offset < 0 || length < 0 || offset > key.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " of " + key.length);
        }
        return xxh64(key, offset, length, SEED);
    }

    /** XXH64 with an explicit seed; exposed for conformance tests against other implementations. */
    static long xxh64(byte[] in, int off, int len, long seed) {
        final int end = off + len;
        int p = off;
        long h;
        if (len >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            final int limit = end - 32;
            do {
                v1 = round(v1, (long) LONG_LE.get(in, p));
                v2 = round(v2, (long) LONG_LE.get(in, p + 8));
                v3 = round(v3, (long) LONG_LE.get(in, p + 16));
                v4 = round(v4, (long) LONG_LE.get(in, p + 24));
                p += 32;
            } while (p <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = mergeRound(h, v1);
            h = mergeRound(h, v2);
            h = mergeRound(h, v3);
            h = mergeRound(h, v4);
        } else {
            h = seed + P5;
        }
        h += len;
        while (p + 8 <= end) {
            h ^= round(0, (long) LONG_LE.get(in, p));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            p += 8;
        }
        if (p + 4 <= end) {
            h ^= ((int) INT_LE.get(in, p) & 0xFFFF_FFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        while (p < end) {
            h ^= (in[p] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long mergeRound(long acc, long val) {
        acc ^= round(0, val);
        return acc * P1 + P4;
    }
}
