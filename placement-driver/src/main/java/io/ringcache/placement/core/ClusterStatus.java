package io.ringcache.placement.core;

import java.util.List;

/**
 * What `ringctl status` and friends show, as the PD leader sees it now.
 *
 * @param map            the partition map
 * @param stores         every store with its liveness and counts
 * @param shards         every shard with its load and key share
 * @param operators      unfinished operators first, then the finished ones, newest first
 * @param targetReplicas the configured replica count
 */
public record ClusterStatus(PartitionMap map, List<StoreStatus> stores, List<ShardStatus> shards,
                            List<Operator> operators, int targetReplicas) {

    /**
     * @param heartbeatAgeMillis since its last heartbeat; -1 if not heard since this PD leader took over
     */
    public record StoreStatus(StoreInfo store, long heartbeatAgeMillis, int replicas, int leaders, double opsPerSecond) {
    }

    public record ShardStatus(ShardInfo shard, double opsPerSecond, long entries, long bytes, double keyShare) {
    }
}
