package io.ringcache.placement.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.routing.TokenPlanner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Size and load triggers of automatic splits, over hand-made cluster views. */
class SplitSchedulerTest {

    private static final long NOW = 1_000_000;
    private static final SplitTriggers TRIGGERS = new SplitTriggers(32L << 20, 1_000, 10_000, 8);
    private static final SchedulingConfig CONFIG = SchedulingConfig.defaults(3).withSplits(TRIGGERS);

    @Test
    void theBiggestShardPastTheSizeSplitsFirst() {
        SplitScheduler s = new SplitScheduler();
        assertEquals(Optional.empty(), s.next(view(Map.of(0, 1L << 20, 1, 31L << 20), Map.of(), NOW, CONFIG)));
        Optional<Proposal> p = s.next(view(Map.of(0, 40L << 20, 1, 50L << 20, 2, 33L << 20), Map.of(), NOW, CONFIG));
        assertEquals(Optional.of(new Proposal(1, OperatorKind.SPLIT_SHARD, "", "", "split-size")), p);
    }

    @Test
    void aShardJustSplitIsLeftAloneUntilFreshReportsCanArrive() {
        SplitScheduler s = new SplitScheduler();
        Map<Integer, Long> big = Map.of(0, 40L << 20, 1, 1L, 2, 1L);
        assertEquals(0, s.next(view(big, Map.of(), NOW, CONFIG)).orElseThrow().shardId());
        // The leader still reports the size from before the split.
        assertEquals(Optional.empty(), s.next(view(big, Map.of(), NOW + 1_000, CONFIG)));
        assertEquals(0, s.next(view(big, Map.of(), NOW + SplitScheduler.COOLDOWN_MILLIS, CONFIG)).orElseThrow().shardId());
    }

    @Test
    void aShardSplitsForLoadOnlyAfterStayingHot() {
        SplitScheduler s = new SplitScheduler();
        Map<Integer, Long> small = Map.of(0, 1L, 1, 1L, 2, 1L);
        assertEquals(Optional.empty(), s.next(view(small, Map.of(2, 5_000.0), NOW, CONFIG)));
        assertEquals(Optional.empty(), s.next(view(small, Map.of(2, 5_000.0), NOW + 9_000, CONFIG)));
        // A dip below the threshold starts the window over.
        assertEquals(Optional.empty(), s.next(view(small, Map.of(2, 10.0), NOW + 9_500, CONFIG)));
        assertEquals(Optional.empty(), s.next(view(small, Map.of(2, 5_000.0), NOW + 10_000, CONFIG)));
        assertEquals(Optional.empty(), s.next(view(small, Map.of(2, 5_000.0), NOW + 19_000, CONFIG)));
        assertEquals(Optional.of(new Proposal(2, OperatorKind.SPLIT_SHARD, "", "", "split-load")),
                s.next(view(small, Map.of(2, 5_000.0), NOW + 20_000, CONFIG)));
    }

    @Test
    void nothingSplitsPastTheCapOrWithTriggersOff() {
        Map<Integer, Long> big = Map.of(0, 1L << 30, 1, 1L << 30, 2, 1L << 30);
        SchedulingConfig capped = CONFIG.withSplits(new SplitTriggers(32L << 20, 1_000, 10_000, 3));
        assertEquals(Optional.empty(), new SplitScheduler().next(view(big, Map.of(), NOW, capped)));
        assertEquals(Optional.empty(), new SplitScheduler().next(view(big, Map.of(), NOW, CONFIG.withSplits(SplitTriggers.OFF))));
        assertTrue(new SplitScheduler().next(view(big, Map.of(), NOW, CONFIG)).isPresent());
    }

    @Test
    void aShardSplitsOnlyIfEveryStoreOfItHasMemoryForOneMoreReplica() {
        Map<Integer, Long> big = Map.of(0, 1L << 30, 1, 1L, 2, 1L);
        // s2 hosts 3 replicas of 64 MiB and may use 192 MiB: full.
        assertEquals(Optional.empty(), new SplitScheduler().next(view(big, Map.of(), NOW, CONFIG, 192L << 20)));
        assertTrue(new SplitScheduler().next(view(big, Map.of(), NOW, CONFIG, 256L << 20)).isPresent());
    }

    private static ClusterView view(Map<Integer, Long> bytes, Map<Integer, Double> loads, long now, SchedulingConfig config) {
        return view(bytes, loads, now, config, 0);
    }

    /**
     * Stores s1..s3, shards 0..n-1 on all three, each led by s1, with these bytes and loads; s2
     * reports a memory budget of {@code s2Budget} (0: none) for replicas of 64 MiB.
     */
    private static ClusterView view(Map<Integer, Long> bytes, Map<Integer, Double> loads, long now, SchedulingConfig config,
                                    long s2Budget) {
        Map<String, StoreInfo> stores = new TreeMap<>();
        Map<String, Long> heard = new HashMap<>();
        for (int i = 1; i <= 3; i++) {
            String id = "s" + i;
            stores.put(id, new StoreInfo(id, id + ":1", id + ":2", id + ":3", Map.of(), StoreState.UP));
            heard.put(id, now);
        }
        Map<Integer, ShardInfo> shards = new TreeMap<>();
        Map<Integer, StoreReport.Replica> led = new HashMap<>();
        int[] ids = bytes.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        for (int id : ids) {
            shards.put(id, new ShardInfo(id, List.of("s1", "s2", "s3"), List.of(), "s1", 1));
            led.put(id, new StoreReport.Replica(StoreReport.Role.LEADER, 10, loads.getOrDefault(id, 0.0), 1, bytes.get(id)));
        }
        PartitionMap map = new PartitionMap(1, TokenPlanner.initial(ids), shards, stores);
        Map<Integer, StoreReport.Replica> followed = new HashMap<>();
        for (int id : ids) {
            followed.put(id, new StoreReport.Replica(StoreReport.Role.FOLLOWER, 10, 0, 1, bytes.get(id)));
        }
        Map<String, StoreReport> reports = Map.of("s1", new StoreReport("s1", led),
                "s2", new StoreReport("s2", followed, java.util.Set.of(), s2Budget, 64L << 20),
                "s3", new StoreReport("s3", followed));
        return new ClusterView(new PlacementState(1, map, Map.of(), 1), heard, reports, now, config);
    }
}
