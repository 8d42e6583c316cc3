package io.ringcache.shard.core;

import io.ringcache.routing.KeyHash;
import org.agrona.DirectBuffer;

/**
 * An order-independent digest of a shard's content, for comparing replicas and snapshot round
 * trips: the entry count and the sum and xor of a 64-bit hash of every entry (key, value,
 * version, expiry). Two stores with the same content have the same digest whatever their
 * iteration order.
 */
public record ShardDigest(long entries, long sum, long xor) {

    /** The digest of everything in {@code store}. */
    public static ShardDigest of(ShardStore store) {
        Accumulator acc = new Accumulator();
        store.forEach(acc::add);
        return acc.digest();
    }

    /** Builds a digest entry by entry, for callers that already visit every entry (snapshots). */
    static final class Accumulator {
        long count;
        long sum;
        long xor;
        private byte[] scratch = new byte[256];

        void add(DirectBuffer key, DirectBuffer value, long version, long expiresAt) {
            int k = key.capacity();
            int v = value.capacity();
            int n = 4 + k + v + 16;
            if (scratch.length < n) {
                scratch = new byte[Math.max(n, scratch.length * 2)];
            }
            // Length-prefix the key so (key, value) boundaries cannot alias.
            scratch[0] = (byte) (k >>> 24);
            scratch[1] = (byte) (k >>> 16);
            scratch[2] = (byte) (k >>> 8);
            scratch[3] = (byte) k;
            key.getBytes(0, scratch, 4, k);
            value.getBytes(0, scratch, 4 + k, v);
            for (int i = 0; i < 8; i++) {
                scratch[4 + k + v + i] = (byte) (version >>> (8 * i));
                scratch[12 + k + v + i] = (byte) (expiresAt >>> (8 * i));
            }
            long h = KeyHash.of(scratch, 0, n);
            count++;
            sum += h;
            xor ^= h;
        }

        ShardDigest digest() {
            return new ShardDigest(count, sum, xor);
        }
    }
}
