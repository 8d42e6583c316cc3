package io.ringcache.shard.adapter.chronicle;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.ShardStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The map's geometry keeps the promises {@link ChronicleShardStore}'s Javadoc makes, for any budget. */
class ChronicleSizingProperties {

    @Property(tries = 500)
    void theGeometryHoldsTheBudgetAndAMaximalEntryPerTier(@ForAll @LongRange(min = 1, max = 64L << 30) long budget,
                                                          @ForAll @IntRange(min = 0, max = 4096) int averageKey,
                                                          @ForAll @IntRange(min = 0, max = 1 << 20) int averageValue) {
        ChronicleSizing s = ChronicleSizing.of(budget, averageKey, averageValue);
        long chunkBytes = (long) s.segments() * s.chunksPerTier() * ChronicleSizing.CHUNK;
        assertTrue(chunkBytes >= budget, "the base tiers hold the whole budget: " + s);
        assertTrue(s.chunksPerTier() * ChronicleSizing.CHUNK >= 2 * ChronicleSizing.MAX_ENTRY_BYTES,
                "a tier holds two maximal entries: " + s);
        assertTrue(s.entriesPerSegment() <= s.chunksPerTier(), "no more slots than chunks: " + s);
        assertTrue(s.entries() * ShardStore.chargeOf(averageKey, averageValue) >= budget,
                "slots for every entry the budget holds at the average sizes: " + s);
    }

    @Property(tries = 200)
    void anEntrysChunksStayBelowItsLogicalCharge(@ForAll @IntRange(min = 1, max = ShardLimits.DEFAULT_MAX_KEY_BYTES) int key,
                                                 @ForAll @IntRange(min = 0, max = ShardLimits.DEFAULT_MAX_VALUE_BYTES) int value) {
        // key + value + header + two size prefixes (at most 4 bytes each), rounded up to whole chunks
        long chunked = (key + value + HeaderValueData.HEADER + 8 + ChronicleSizing.CHUNK - 1)
                / ChronicleSizing.CHUNK * ChronicleSizing.CHUNK;
        assertTrue(chunked <= ShardStore.chargeOf(key, value), key + " + " + value + ": " + chunked);
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ChronicleSizing.of(0, 16, 100));
        assertThrows(IllegalArgumentException.class, () -> ChronicleSizing.of(1 << 20, -1, 100));
    }
}
