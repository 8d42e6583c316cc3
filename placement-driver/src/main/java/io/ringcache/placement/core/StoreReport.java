package io.ringcache.placement.core;

import java.util.Map;
import java.util.Set;

/**
 * What one store said in its latest heartbeat: each hosted replica's role, progress and load, and
 * the shards whose replica it lost (a replica that will not run again; see
 * {@link ClusterView#lost}).
 */
public record StoreReport(String storeId, Map<Integer, Replica> replicas, Set<Integer> lostShards,
                          long memoryBudgetBytes, long shardBudgetBytes) {

    public StoreReport {
        replicas = Map.copyOf(replicas);
        lostShards = Set.copyOf(lostShards);
    }

    /** A report without memory figures (0: unknown, no limit applied). */
    public StoreReport(String storeId, Map<Integer, Replica> replicas, Set<Integer> lostShards) {
        this(storeId, replicas, lostShards, 0, 0);
    }

    public StoreReport(String storeId, Map<Integer, Replica> replicas) {
        this(storeId, replicas, Set.of());
    }

    /**
     * Whether the store has memory for {@code more} replicas beyond those it reported hosting;
     * true when it reported no budget.
     */
    public boolean roomFor(int more) {
        return memoryBudgetBytes <= 0 || shardBudgetBytes <= 0
                || (long) (replicas.size() + more) * shardBudgetBytes <= memoryBudgetBytes;
    }

    public enum Role { LEADER, FOLLOWER, LEARNER, CANDIDATE }

    /** One hosted replica. */
    public record Replica(Role role, long appliedIndex, double opsPerSecond, long entries, long bytes) {
    }
}
