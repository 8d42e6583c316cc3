package io.ringcache.placement.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A shard's placement.
 *
 * @param id          the shard id (owner of ring tokens)
 * @param replicas    store ids of its voting replicas
 * @param learners    store ids of its non-voting replicas (Raft listeners) still catching up
 * @param leader      the leader as last reported, or empty
 * @param confVersion grows on every membership change of this shard
 */
public record ShardInfo(int id, List<String> replicas, List<String> learners, String leader, long confVersion) {

    public ShardInfo {
        replicas = List.copyOf(replicas);
        learners = List.copyOf(learners);
        leader = leader == null ? "" : leader;
        for (String l : learners) {
            if (replicas.contains(l)) {
                throw new IllegalArgumentException("shard " + id + ": store " + l + " is both voter and learner");
            }
        }
    }

    public ShardInfo(int id, List<String> replicas, String leader, long confVersion) {
        this(id, replicas, List.of(), leader, confVersion);
    }

    /** Whether {@code storeId} holds a replica of any kind. */
    public boolean hasMember(String storeId) {
        return replicas.contains(storeId) || learners.contains(storeId);
    }

    public ShardInfo withReplicas(List<String> newReplicas) {
        return new ShardInfo(id, newReplicas, learners, leader, confVersion + 1);
    }

    public ShardInfo withLearner(String storeId) {
        List<String> next = new ArrayList<>(learners);
        if (!next.contains(storeId)) {
            next.add(storeId);
        }
        return new ShardInfo(id, replicas, next, leader, confVersion + 1);
    }

    /** The learner becomes a voter. */
    public ShardInfo promoted(String storeId) {
        List<String> voters = new ArrayList<>(replicas);
        if (!voters.contains(storeId)) {
            voters.add(storeId);
        }
        List<String> rest = new ArrayList<>(learners);
        rest.remove(storeId);
        return new ShardInfo(id, voters, rest, leader, confVersion + 1);
    }

    /** {@code storeId} is no longer a member of any kind. */
    public ShardInfo without(String storeId) {
        List<String> voters = new ArrayList<>(replicas);
        voters.remove(storeId);
        List<String> rest = new ArrayList<>(learners);
        rest.remove(storeId);
        return new ShardInfo(id, voters, rest, leader.equals(storeId) ? "" : leader, confVersion + 1);
    }

    public ShardInfo withLeader(String newLeader) {
        return new ShardInfo(id, replicas, learners, newLeader, confVersion);
    }
}
