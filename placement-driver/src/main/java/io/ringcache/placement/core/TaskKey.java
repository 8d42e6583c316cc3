package io.ringcache.placement.core;

/**
 * What a {@link StepTask} works for: an operator's current step, or the removal of a stale
 * replica. The driver lets at most one task per key be in flight and backs off per key.
 */
public sealed interface TaskKey {

    /** The current step of an operator. */
    record OfOperator(OperatorId id) implements TaskKey {
        @Override
        public String toString() {
            return id.toString();
        }
    }

    /** Dropping the replica of {@code shardId} that {@code storeId} still hosts but the map no longer lists. */
    record StaleReplica(String storeId, int shardId) implements TaskKey {
        @Override
        public String toString() {
            return "stale replica of shard " + shardId + " on " + storeId;
        }
    }
}
