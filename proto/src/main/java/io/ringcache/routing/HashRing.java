package io.ringcache.routing;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The consistent-hash ring: sorted unsigned 64-bit tokens (virtual nodes), each owned by a shard.
 *
 * <p>A key belongs to the shard that owns the first token at or after {@link KeyHash#of} of the
 * key, compared as unsigned integers, wrapping past the largest token to the first. Token
 * {@code t[i]} therefore owns the arc {@code (t[i-1], t[i]]}, and {@code t[0]} owns the arc that
 * wraps around zero.
 *
 * <p>The ring is data, not a function of the shard ids: the placement driver places tokens for
 * balance (see {@link TokenPlanner}), versions the ring with the partition-map epoch and ships
 * it to stores and clients, which only look keys up. Instances are immutable and thread-safe;
 * lookups are a binary search and allocate nothing.
 */
public final class HashRing {

    /** Tokens with the sign bit flipped, so signed order equals unsigned order of the tokens. */
    private final long[] flippedTokens;
    private final long[] tokens;
    private final int[] owners;

    private HashRing(long[] tokens, int[] owners) {
        this.tokens = tokens;
        this.owners = owners;
        this.flippedTokens = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            flippedTokens[i] = tokens[i] ^ Long.MIN_VALUE;
        }
    }

    /**
     * A ring from parallel arrays (copied).
     *
     * @throws IllegalArgumentException if the arrays differ in length, are empty, or the tokens
     *                                  are not strictly increasing as unsigned integers
     */
    public static HashRing of(long[] tokens, int[] owners) {
        if (tokens.length != owners.length) {
            throw new IllegalArgumentException(
                    "ring has " + tokens.length + " tokens but " + owners.length + " owners");
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("ring has no tokens");
        }
        for (int i = 1; i < tokens.length; i++) {
            if (Long.compareUnsigned(tokens[i - 1], tokens[i]) >= 0) {
                throw new IllegalArgumentException("ring tokens not strictly increasing at index " + i);
            }
        }
        for (int owner : owners) {
            if (owner < 0) {
                throw new IllegalArgumentException("negative shard id " + owner);
            }
        }
        return new HashRing(tokens.clone(), owners.clone());
    }

    /** The shard owning ring position {@code hash}. */
    public int shardForHash(long hash) {
        int i = Arrays.binarySearch(flippedTokens, hash ^ Long.MIN_VALUE);
        if (i < 0) {
            i = -i - 1;
            if (i == flippedTokens.length) {
                i = 0;
            }
        }
        return owners[i];
    }

    /** The shard owning {@code key}. */
    public int shardForKey(byte[] key) {
        return shardForHash(KeyHash.of(key));
    }

    public int size() {
        return tokens.length;
    }

    public long token(int index) {
        return tokens[index];
    }

    public int owner(int index) {
        return owners[index];
    }

    /** A copy of the tokens, in unsigned ascending order. */
    public long[] tokens() {
        return tokens.clone();
    }

    /** A copy of the owners, parallel to {@link #tokens()}. */
    public int[] owners() {
        return owners.clone();
    }

    /** The distinct shard ids on the ring, ascending. */
    public int[] shardIds() {
        return Arrays.stream(owners).distinct().sorted().toArray();
    }

    /**
     * Each shard's share of the hash space (so of uniformly hashed keys), summing to 1.
     * Exact up to double rounding.
     */
    public Map<Integer, Double> shares() {
        Map<Integer, Double> shares = new TreeMap<>();
        for (int i = 0; i < tokens.length; i++) {
            shares.merge(owners[i], arcFraction(i), Double::sum);
        }
        return shares;
    }

    /** The fraction of the hash space owned by token {@code i}: the arc {@code (t[i-1], t[i]]}. */
    public double arcFraction(int i) {
        if (tokens.length == 1) {
            return 1.0;
        }
        long previous = tokens[i == 0 ? tokens.length - 1 : i - 1];
        long width = tokens[i] - previous; // mod 2^64: also right for the arc wrapping past zero
        return unsignedToDouble(width) / 0x1p64;
    }

    private static double unsignedToDouble(long x) {
        return (double) (x >>> 1) * 2.0 + (x & 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashRing other
                && Arrays.equals(tokens, other.tokens)
                && Arrays.equals(owners, other.owners);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(owners);
    }

    @Override
    public String toString() {
        return "HashRing{tokens=" + tokens.length + ", shards=" + shardIds().length + "}";
    }
}
