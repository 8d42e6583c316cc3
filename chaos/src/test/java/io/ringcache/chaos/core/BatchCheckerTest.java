package io.ringcache.chaos.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Batches are atomic per shard, not across shards: what the checker accepts and what it reports. */
class BatchCheckerTest {

    private static final Map<String, Integer> SHARDS = Map.of("k0", 0, "k1", 0, "k2", 1, "k3", 1);

    private static Map<String, String> values(String k0, String k1, String k2, String k3) {
        Map<String, String> m = new HashMap<>();
        m.put("k0", k0);
        m.put("k1", k1);
        m.put("k2", k2);
        m.put("k3", k3);
        return m;
    }

    @Test
    void shardsMayDisagreeWithEachOtherButNotWithin() {
        BatchChecker.Report ok = BatchChecker.check(List.of(
                new BatchChecker.Group("g", SHARDS, values("w1", "w1", "w2", "w2"), Set.of("w1", "w2"))));
        assertTrue(ok.ok(), ok.describe());
        assertEquals(2, ok.shardParts());
        BatchChecker.Report absentPart = BatchChecker.check(List.of(
                new BatchChecker.Group("g", SHARDS, values(null, null, "w2", "w2"), Set.of("w2"))));
        assertTrue(absentPart.ok(), "a part never applied leaves its keys absent");
    }

    @Test
    void aTornShardPartIsReported() {
        BatchChecker.Report torn = BatchChecker.check(List.of(
                new BatchChecker.Group("g", SHARDS, values("w1", "w2", "w2", "w2"), Set.of("w1", "w2"))));
        assertFalse(torn.ok());
        assertEquals(1, torn.torn().size(), torn.torn().toString());
        BatchChecker.Report halfAbsent = BatchChecker.check(List.of(
                new BatchChecker.Group("g", SHARDS, values("w1", null, "w1", "w1"), Set.of("w1"))));
        assertEquals(1, halfAbsent.torn().size(), "one key of a part lost");
    }

    @Test
    void aValueNoBatchSentIsAPhantom() {
        BatchChecker.Report r = BatchChecker.check(List.of(
                new BatchChecker.Group("g", SHARDS, values("x", "x", "w1", "w1"), Set.of("w1"))));
        assertEquals(2, r.phantom().size());
        assertFalse(r.ok());
    }

    @Test
    void finalValuesMustCoverTheGroupsKeys() {
        assertThrows(IllegalArgumentException.class, () -> new BatchChecker.Group("g", SHARDS, Map.of("k0", "w1"), Set.of("w1")));
    }
}
