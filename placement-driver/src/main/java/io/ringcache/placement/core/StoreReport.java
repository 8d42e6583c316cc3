package io.ringcache.placement.core;

import java.util.Map;

/**
 * What one store said in its latest heartbeat: each hosted replica's role, progress and load.
 */
public record StoreReport(String storeId, Map<Integer, Replica> replicas) {

    public StoreReport {
        replicas = Map.copyOf(replicas);
    }

    public enum Role { LEADER, FOLLOWER, LEARNER, CANDIDATE }

    /** One hosted replica. */
    public record Replica(Role role, long appliedIndex, double opsPerSecond, long entries, long bytes) {
    }
}
