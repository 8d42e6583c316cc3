package io.ringcache.node.core;

import java.util.Optional;

/** What this store knows of its own shard replicas: all that routing needs from the Raft host. */
public interface ShardView {

    /**
     * True when this store's replica is the shard's leader. A leader still committing the first
     * entry of its term counts: until that entry is applied, Ratis refuses its writes and
     * linearizable reads (NOT_READY), which come back as a retryable {@link KvFailure.Unavailable},
     * and the request path tries again at the news that it is ready ({@link RouteChanges}).
     */
    boolean isLeader(int shardId);

    /** True when this store has a replica of the shard (voter or learner). */
    boolean hosts(int shardId);

    /** The leader's store id as the local replica knows it. */
    Optional<String> leaderOf(int shardId);
}
