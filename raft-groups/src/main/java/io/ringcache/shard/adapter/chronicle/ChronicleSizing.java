package io.ringcache.shard.adapter.chronicle;

import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.ShardStore;

/**
 * The map's geometry for a logical budget.
 *
 * @param entries           entries the budget holds at the average sizes, times 1.25
 * @param segments          enough tiers of {@code chunksPerTier} to hold the whole budget
 * @param entriesPerSegment hash slots per tier: the segment's share of {@code entries} plus
 *                          five standard deviations of hash skew
 * @param chunksPerTier     8-byte chunks per tier: two maximal entries (4 KiB key, 1 MiB
 *                          value), about 2 MiB, so 1 MiB values pack two to a tier
 */
public record ChronicleSizing(long entries, int segments, long entriesPerSegment, long chunksPerTier) {

    /** Chunk size: the chunk space of an entry stays below its logical charge. */
    static final int CHUNK = 8;
    /** The largest entry a tier must hold: a maximal key and value, their header and size prefixes. */
    static final long MAX_ENTRY_BYTES =
            (long) ShardLimits.DEFAULT_MAX_KEY_BYTES + ShardLimits.DEFAULT_MAX_VALUE_BYTES + HeaderValueData.HEADER + 8;
    static final double ENTRY_HEADROOM = 1.25;

static ChronicleSizing of(long budget, int averageKey, int averageValue) {
        if (budget < 1 || averageKey < 0 || averageValue < 0) {
            throw new IllegalArgumentException("invalid sizing: budget " + budget + ", average key "
                    + averageKey + ", average value " + averageValue);
        }
        long entries = Math.max(1, (long) Math.ceil(
                ENTRY_HEADROOM * budget / ShardStore.chargeOf(averageKey, averageValue)));
        long chunksPerTier = 2 * ceilDiv(MAX_ENTRY_BYTES, CHUNK);
        long segments = Math.max(1, ceilDiv(ceilDiv(budget, CHUNK), chunksPerTier));
        if (segments > 1 << 24) {
            throw new IllegalArgumentException("budget too large for one map: " + budget);
        }
        double mean = (double) entries / segments;
        long entriesPerSegment = Math.min(chunksPerTier, (long) Math.ceil(mean + 5 * Math.sqrt(mean)) + 8);
        return new ChronicleSizing(entries, (int) segments, entriesPerSegment, chunksPerTier);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
