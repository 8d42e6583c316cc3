package io.ringcache.placement.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.routing.TokenPlanner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A replica its (live) store reports lost, because its term-and-vote file was damaged and it will
 * not run again, is replaced like one on a dead store: a new replica elsewhere first, then the
 * lost one removed from the group.
 */
class LostReplicaRepairTest {

    private static final long NOW = 1_000_000;
    private static final SchedulingConfig CONFIG = SchedulingConfig.defaults(1).withReplicas(3);

    @Test
    void aReplicaReportedLostIsMovedToAnotherStore() {
        Optional<Proposal> p = new RepairScheduler().next(view(Set.of(0), NOW));
        assertTrue(p.isPresent());
        assertEquals(new Proposal(0, OperatorKind.MOVE_REPLICA, "s1", "s4", "repair"), p.get());
    }

    @Test
    void aLostReportFromAStoreNotHeardLatelyIsNotActedOn() {
        // s1 silent past the down time: its old report is not trusted (its replicas are handled as a dead store's).
        ClusterView view = view(Set.of(0), NOW - CONFIG.downAfterMillis() - 1);
        assertEquals(false, view.lost(0, "s1"));
    }

    @Test
    void withoutALostReportNothingIsRepaired() {
        assertEquals(Optional.empty(), new RepairScheduler().next(view(Set.of(), NOW)));
    }

    /**
     * Three stores, three replicas: no other store can take the lost one, so it is removed (the
     * others are alive) and then added again, fresh, to the same store, which then hosts it (a
     * split child its store never started after a restart is reported lost the same way).
     */
    @Test
    void onThreeStoresALostReplicaIsRemovedAndAddedBackFresh() {
        ShardInfo shard = new ShardInfo(0, List.of("s1", "s2", "s3"), List.of(), "s2", 1);
        Optional<Proposal> p = new RepairScheduler().next(view(Set.of(0), NOW, 3, NOW, shard));
        assertEquals(Optional.of(new Proposal(0, OperatorKind.REMOVE_REPLICA, "s1", "", "repair")), p);
        ShardInfo removed = ClusterView.endOf(shard, OperatorKind.REMOVE_REPLICA, "s1", "");
        Optional<Proposal> next = new RepairScheduler().next(view(Set.of(0), NOW, 3, NOW, removed));
        assertEquals(Optional.of(new Proposal(0, OperatorKind.MOVE_REPLICA, "", "s1", "repair")), next);
    }

    @Test
    void onThreeStoresALostReplicaStaysWhileAnotherVoterIsDown() {
        ShardInfo shard = new ShardInfo(0, List.of("s1", "s2", "s3"), List.of(), "s2", 1);
        long s3Silent = NOW - CONFIG.downAfterMillis() - 1;
        assertEquals(Optional.empty(), new RepairScheduler().next(view(Set.of(0), NOW, 3, s3Silent, shard)));
    }

    /** Stores s1..s4, all UP; shard 0 on s1, s2, s3 led by s2; s1 reports {@code lostOnS1}, heard at {@code s1Heard}. */
    private static ClusterView view(Set<Integer> lostOnS1, long s1Heard) {
        return view(lostOnS1, s1Heard, 4, NOW, new ShardInfo(0, List.of("s1", "s2", "s3"), List.of(), "s2", 1));
    }

    /** Stores s1..s{@code storeCount}, all UP, s3 heard at {@code s3Heard}; {@code shard} as given. */
    private static ClusterView view(Set<Integer> lostOnS1, long s1Heard, int storeCount, long s3Heard, ShardInfo shard) {
        Map<String, StoreInfo> stores = new TreeMap<>();
        Map<String, Long> heard = new HashMap<>();
        for (int i = 1; i <= storeCount; i++) {
            String id = "s" + i;
            stores.put(id, new StoreInfo(id, id + ":1", id + ":2", id + ":3", Map.of(), StoreState.UP));
            heard.put(id, i == 1 ? s1Heard : i == 3 ? s3Heard : NOW);
        }
        PartitionMap map = new PartitionMap(1, TokenPlanner.initial(new int[] {0}), Map.of(0, shard), stores);
        StoreReport.Replica follower = new StoreReport.Replica(StoreReport.Role.FOLLOWER, 10, 0, 1, 1);
        Map<String, StoreReport> reports = new TreeMap<>(Map.of(
                "s1", new StoreReport("s1", Map.of(), lostOnS1),
                "s2", new StoreReport("s2", Map.of(0, new StoreReport.Replica(StoreReport.Role.LEADER, 10, 0, 1, 1))),
                "s3", new StoreReport("s3", Map.of(0, follower))));
        if (storeCount > 3) {
            reports.put("s4", new StoreReport("s4", Map.of()));
        }
        return new ClusterView(new PlacementState(1, map, Map.of(), 1), heard, reports, NOW, CONFIG);
    }
}
