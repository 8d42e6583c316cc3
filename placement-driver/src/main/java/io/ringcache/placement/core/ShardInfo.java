package io.ringcache.placement.core;

import java.util.List;

/**
 * A shard's placement.
 *
 * @param id          the shard id (owner of ring tokens)
 * @param replicas    store ids of its voting replicas
 * @param leader      the leader as last reported, or empty
 * @param confVersion grows on every membership change of this shard
 */
public record ShardInfo(int id, List<String> replicas, String leader, long confVersion) {

    public ShardInfo {
        replicas = List.copyOf(replicas);
        leader = leader == null ? "" : leader;
    }

    public ShardInfo withReplicas(List<String> newReplicas) {
        return new ShardInfo(id, newReplicas, leader, confVersion + 1);
    }

    public ShardInfo withLeader(String newLeader) {
        return new ShardInfo(id, replicas, newLeader, confVersion);
    }
}
