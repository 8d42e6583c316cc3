package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which peers' connections are dropped: silent long enough, and not dropped too recently. */
class StalledConnectionsTest {

    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(StalledConnections.STALL_MILLIS);

    @Test
    void aPeerSilentForTheStallIsDroppedAndOneThatAnsweredAnyGroupIsNot() {
        assertEquals(List.of("s2"), StalledConnections.toDrop(
                Map.of("s2", StalledConnections.STALL_MILLIS, "s3", StalledConnections.STALL_MILLIS - 1), Map.of(), 0));
    }

    @Test
    void aPeerIsDroppedAtMostOncePerStall() {
        long now = 100 * STALL_NANOS;
        Map<String, Long> silent = Map.of("s2", 60_000L, "s3", 60_000L);
        assertEquals(List.of("s3"), StalledConnections.toDrop(silent, Map.of("s2", now - STALL_NANOS + 1), now));
        assertEquals(List.of("s2", "s3"), StalledConnections.toDrop(silent, Map.of("s2", now - STALL_NANOS), now));
    }
}
