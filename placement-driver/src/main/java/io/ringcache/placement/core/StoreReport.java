package io.ringcache.placement.core;

import java.util.Map;
import java.util.Set;

/**
 * What one store said in its latest heartbeat: each hosted replica's role, progress and load, and
 * the shards whose replica it lost (a replica that will not run again; see
 * {@link ClusterView#lost}).
 */
public record StoreReport(String storeId, Map<Integer, Replica> replicas, Set<Integer> lostShards) {

    public StoreReport {
        replicas = Map.copyOf(replicas);
        lostShards = Set.copyOf(lostShards);
    }

    public StoreReport(String storeId, Map<Integer, Replica> replicas) {
        this(storeId, replicas, Set.of());
    }

    public enum Role { LEADER, FOLLOWER, LEARNER, CANDIDATE }

    /** One hosted replica. */
    public record Replica(Role role, long appliedIndex, double opsPerSecond, long entries, long bytes) {
    }
}
