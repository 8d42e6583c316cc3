package io.ringcache.node.core;

import java.util.Optional;

/** What this store knows of its own shard replicas: all that routing needs from the Raft host. */
public interface ShardView {

    /**
     * True when this store's replica is the shard's leader. A leader still committing the first
     * entry of its term counts: writes queue behind that entry, and a linearizable read answers a
     * retryable {@link KvFailure.Unavailable} until it is committed.
     */
    boolean isLeader(int shardId);

    /** True when this store has a replica of the shard (voter or learner). */
    boolean hosts(int shardId);

    /** The leader's store id as the local replica knows it. */
    Optional<String> leaderOf(int shardId);
}
