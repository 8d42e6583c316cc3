package io.ringcache.node.core;

import java.util.Optional;

/** What this store knows of its own shard replicas (the port routing needs from the Raft host). */
public interface LocalShards {

    /** True when this store leads the shard and can serve it now. */
    boolean leads(int shardId);

    /** True when this store has a replica of the shard. */
    boolean hosts(int shardId);

    /** The leader's store id as the local replica knows it. */
    Optional<String> leaderOf(int shardId);
}
