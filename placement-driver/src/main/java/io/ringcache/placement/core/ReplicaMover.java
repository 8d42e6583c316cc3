package io.ringcache.placement.core;

/** Carries out replica moves on the stores (the port placement drives; gRPC in production). */
public interface ReplicaMover {

    /**
     * Makes {@code storeId} a voting replica of {@code shardId}: the store hosts the group, then
     * the shard's leader changes the membership to include it, and it catches up. Returns once
     * the new membership is committed.
     *
     * @throws Exception when any step fails; the caller retries later (every step is idempotent)
     */
    void addReplica(PartitionMap map, int shardId, String storeId) throws Exception;
}
