package io.ringcache.placement.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PlacementTest {

    /** A real in-memory repository: keeps the last saved map. */
    static final class MemoryRepository implements PartitionMapRepository {
        PartitionMap saved;
        int saves;

        @Override
        public Optional<PartitionMap> load() {
            return Optional.ofNullable(saved);
        }

        @Override
        public void save(PartitionMap map) {
            saved = map;
            saves++;
        }
    }

    static StoreInfo store(String id) {
        return new StoreInfo(id, id + ":9000", id + ":8080", id + ":11000", Map.of(), StoreState.UP);
    }

    @Test
    void bootstrapPutsEveryShardOnTheFirstStoreAndPersistsIt() throws Exception {
        MemoryRepository repo = new MemoryRepository();
        Placement p = Placement.bootstrap(repo, store("a"), 8);
        assertEquals(1, p.map().epoch());
        assertEquals(8, p.map().shards().size());
        assertTrue(p.map().shards().values().stream().allMatch(s -> s.replicas().equals(List.of("a"))));
        assertEquals(p.map(), repo.saved);
        // A restarted bootstrap node recovers the saved map instead of making a new cluster.
        assertEquals(p.map(), Placement.bootstrap(repo, store("a"), 99).map());
    }

    @Test
    void joiningStoresReceiveReplicasUntilThreeAndEpochsOnlyGrow() throws Exception {
        MemoryRepository repo = new MemoryRepository();
        Placement p = Placement.bootstrap(repo, store("a"), 6);
        long epoch = p.map().epoch();
        for (String id : List.of("b", "c")) {
            for (ReplicaPlanner.Addition a : p.register(store(id))) {
                assertTrue(p.map().epoch() >= epoch);
                epoch = p.map().epoch();
                p.replicaAdded(a.shardId(), a.storeId());
                assertTrue(p.map().epoch() > epoch);
                epoch = p.map().epoch();
            }
        }
        assertTrue(p.map().shards().values().stream().allMatch(s -> s.replicas().size() == 3));
        assertTrue(p.pendingAdditions().isEmpty());
        assertEquals(p.map(), repo.saved);
        // Registering again with the same addresses changes nothing.
        long before = p.map().epoch();
        p.register(store("b"));
        assertEquals(before, p.map().epoch());
    }

    @Test
    void leadersAreRecordedOnlyForReplicas() throws Exception {
        Placement p = Placement.bootstrap(new MemoryRepository(), store("a"), 1);
        p.register(store("b"));
        p.leaderReported(0, "b");
        assertEquals("a", p.map().shard(0).orElseThrow().leader(), "b is not a replica yet");
        p.replicaAdded(0, "b");
        p.leaderReported(0, "b");
        assertEquals("b", p.map().shard(0).orElseThrow().leader());
    }

    @Test
    void refusesWhatMakesNoSense() throws Exception {
        MemoryRepository repo = new MemoryRepository();
        assertThrows(IllegalArgumentException.class, () -> Placement.bootstrap(repo, store("a"), 0));
        Placement p = Placement.bootstrap(repo, store("a"), 1);
        assertThrows(IllegalArgumentException.class, () -> p.replicaAdded(5, "a"));
        assertThrows(IllegalArgumentException.class, () -> new StoreInfo("", "", "", "x:1", Map.of(), StoreState.UP));
    }

    /**
     * From one store holding every shard, adding stores one by one: every plan adds only to UP
     * stores not already holding the shard, and every shard ends with min(3, stores) distinct
     * replicas. (Spreading replicas over stores that join later is the balance scheduler's job.)
     */
    @Property(tries = 60)
    void plansSpreadReplicasEvenly(@ForAll @IntRange(min = 1, max = 64) int shards,
                                   @ForAll @IntRange(min = 2, max = 7) int stores) throws Exception {
        Placement p = Placement.bootstrap(new MemoryRepository(), store("s0"), shards);
        for (int i = 1; i < stores; i++) {
            List<ReplicaPlanner.Addition> plan = p.register(store("s" + i));
            for (ReplicaPlanner.Addition a : plan) {
                ShardInfo shard = p.map().shard(a.shardId()).orElseThrow();
                assertTrue(!shard.replicas().contains(a.storeId()), "duplicate replica planned");
                assertEquals(StoreState.UP, p.map().store(a.storeId()).orElseThrow().state());
                p.replicaAdded(a.shardId(), a.storeId());
            }
        }
        for (ShardInfo s : p.map().shards().values()) {
            assertEquals(Math.min(3, stores), s.replicas().size());
            assertEquals(s.replicas().size(), new HashSet<>(s.replicas()).size());
        }
        assertTrue(p.pendingAdditions().isEmpty());
    }
}
