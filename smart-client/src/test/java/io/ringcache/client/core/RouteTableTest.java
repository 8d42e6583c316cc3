package io.ringcache.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.routing.TokenPlanner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final RouteTable table = new RouteTable(7, TokenPlanner.initial(new int[] {0, 1}),
            Map.of(0, new RouteTable.ShardRoute(0, List.of("a", "b", "c"), "b"),
                    1, new RouteTable.ShardRoute(1, List.of("a", "c"), "")),
            Map.of("a", new RouteTable.StoreRoute("a", "h:1", true), "b", new RouteTable.StoreRoute("b", "h:2", true),
                    "c", new RouteTable.StoreRoute("c", "h:3", false)));

    @Test
    void leaderFirstThenLiveReplicas() {
        assertEquals(Optional.of("h:2"), table.leaderAddress(0));
        assertEquals(List.of("h:2", "h:1"), table.replicaAddresses(0), "a down store is skipped");
        assertEquals(Optional.empty(), table.leaderAddress(1));
        assertEquals(List.of("h:1"), table.replicaAddresses(1));
    }

    @Test
    void leaderHintsOverrideUntilTheNextMap() {
        RouteTable hinted = table.withStoreAddress("d", "h:4").withLeader(1, "d");
        assertEquals(Optional.of("h:4"), hinted.leaderAddress(1));
        assertEquals(7, hinted.epoch());
        assertSame(table, table.withLeader(0, "b"));
        assertSame(table, table.withLeader(9, "a"));
    }

    @Test
    void keysRouteByTheSharedRing() {
        byte[] key = "user:1".getBytes(StandardCharsets.UTF_8);
        assertEquals(table.ring().shardForKey(key), table.shardOf(key));
        var groups = KeyGroups.byShard(table, List.of(key, "x".getBytes(), key));
        assertEquals(3, groups.values().stream().mapToInt(List::size).sum());
        assertTrue(groups.get(table.shardOf(key)).containsAll(List.of(0, 2)));
    }
}
