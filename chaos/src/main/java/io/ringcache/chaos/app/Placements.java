package io.ringcache.chaos.app;

import io.ringcache.chaos.adapter.grpc.PdProbe;
import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.PlacementMember;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.Store;
import io.ringcache.proto.v1.StoreState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The placement nemesis's hands: what it asks of the placement driver (leader transfers, replica
 * moves, splits, drains) and which PD member it kills, chosen when the fault strikes from the
 * cluster as the placement driver sees it then, with the run's seeded random. Every action and its answer go to
 * the nemesis log. Node i runs store "s{i}" and PD member "pd{i}".
 */
final class Placements {

    private final PdProbe probe;
    private final Random random;
    private final Consumer<String> log;
    private int killedPdLeader;

    Placements(PdProbe probe, Random random, Consumer<String> log) {
        this.probe = probe;
        this.random = random;
        this.log = log;
    }

    /** What a leader-churn fault does every half second: a transfer once {@code everyMillis} passed since the last. */
    Runnable churnEvery(int everyMillis) {
        long[] last = {0};
        return () -> {
            long now = System.nanoTime();
            if (now - last[0] >= everyMillis * 1_000_000L) {
                last[0] = now;
                transferOneLeader();
            }
        };
    }

    /** The cluster as the placement driver's leader sees it; null (and logged) when none answered. */
    private GetClusterStatusResponse status(String what) {
        GetClusterStatusResponse status = probe.status();
        if (status == null || status.getMap().getShardsCount() == 0) {
            log.accept(what + ": no placement-driver leader answered");
            return null;
        }
        return status;
    }

    private ShardPlacement randomShard(GetClusterStatusResponse status) {
        return status.getMap().getShards(random.nextInt(status.getMap().getShardsCount()));
    }

    /** Hands a random shard's leadership to another of its replicas. */
    void transferOneLeader() {
        GetClusterStatusResponse status = status("leader transfer");
        if (status == null) {
            return;
        }
        ShardPlacement shard = randomShard(status);
        List<String> others = new ArrayList<>(shard.getReplicasList());
        others.remove(shard.getLeader());
        if (others.isEmpty()) {
            return;
        }
        String to = others.get(random.nextInt(others.size()));
        log.accept("transfer shard " + shard.getShardId() + " " + shard.getLeader() + "->" + to + ": "
                + probe.transferLeader(shard.getShardId(), to));
    }

    /** Splits a random shard; the placement driver runs the split while the workloads go on. */
    void splitOne() {
        GetClusterStatusResponse status = status("split");
        if (status == null) {
            return;
        }
        ShardPlacement shard = randomShard(status);
        log.accept("split shard " + shard.getShardId() + ": " + probe.split(shard.getShardId()));
    }

    /** Moves a replica of a random shard to an UP store without one; logs why not when no store is free. */
    void moveOneReplica() {
        GetClusterStatusResponse status = status("replica move");
        if (status == null) {
            return;
        }
        ShardPlacement shard = randomShard(status);
        List<String> free = new ArrayList<>(status.getMap().getStoresList().stream()
                .filter(st -> st.getState() == StoreState.STORE_STATE_UP).map(Store::getId).toList());
        free.removeAll(shard.getReplicasList());
        free.removeAll(shard.getLearnersList());
        if (free.isEmpty()) {
            log.accept("replica move: every store that is up holds shard " + shard.getShardId());
            return;
        }
        String from = shard.getReplicasList().get(random.nextInt(shard.getReplicasCount()));
        String to = free.get(random.nextInt(free.size()));
        log.accept("move shard " + shard.getShardId() + " replica " + from + "->" + to + ": "
                + probe.moveReplica(shard.getShardId(), from, to));
    }

    /**
     * Drains a random UP store, if at least as many UP stores would stay as the largest shard
     * has replicas and no store is draining yet; logs why not otherwise. The placement driver moves the
     * store's replicas away while the workloads go on.
     */
    void drainOne() {
        GetClusterStatusResponse status = status("drain");
        if (status == null) {
            return;
        }
        List<String> up = new ArrayList<>(status.getMap().getStoresList().stream()
                .filter(st -> st.getState() == StoreState.STORE_STATE_UP).map(Store::getId).toList());
        boolean draining = status.getMap().getStoresList().stream().anyMatch(st -> st.getState() == StoreState.STORE_STATE_DRAINING);
        int replicas = status.getMap().getShardsList().stream().mapToInt(ShardPlacement::getReplicasCount).max().orElse(0);
        if (draining || up.size() <= replicas) {
            log.accept("drain: " + (draining ? "a store is draining already" : up.size() + " stores up for " + replicas + " replicas"));
            return;
        }
        String store = up.get(random.nextInt(up.size()));
        log.accept("drain " + store + ": " + probe.drain(store));
    }

    /** The node whose store leads the most shards now (ties: the lowest); 0 when none answers or none leads. */
    int nodeLeadingMostShards() {
        GetClusterStatusResponse status = status("isolate the busiest leader");
        if (status == null) {
            return 0;
        }
        Map<String, Integer> led = new TreeMap<>();
        status.getMap().getShardsList().stream().map(ShardPlacement::getLeader).filter(l -> !l.isEmpty())
                .forEach(l -> led.merge(l, 1, Integer::sum));
        String busiest = led.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).map(Map.Entry::getKey).orElse(null);
        log.accept("shards led per store: " + led);
        return busiest == null ? 0 : Integer.parseInt(busiest.substring("s".length()));
    }

    /** The node whose PD member leads now (remembered for the heal); 0 when none answers. */
    int pdLeaderNode() {
        GetClusterStatusResponse status = probe.status();
        killedPdLeader = status == null ? 0 : status.getMembersList().stream().filter(PlacementMember::getLeader)
                .map(m -> Integer.parseInt(m.getId().substring("pd".length()))).findFirst().orElse(0);
        return killedPdLeader;
    }

    /** The node {@link #pdLeaderNode} named at the strike; 0 when none. */
    int killedPdLeader() {
        return killedPdLeader;
    }
}
