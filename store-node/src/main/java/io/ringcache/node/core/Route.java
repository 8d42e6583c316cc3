package io.ringcache.node.core;

/** Where a request for one shard goes from this store. */
public sealed interface Route {

    /** Serve it here. */
    record Local(int shardId) implements Route {
    }

    /** Proxy it to the leader's store (the caller asked for forwarding). */
    record Forward(int shardId, String storeId, String grpcAddress) implements Route {
    }

    /** Answer NotLeader with this hint (empty strings when the leader is unknown). */
    record NotLeader(int shardId, String leaderId, String leaderAddress) implements Route {
    }

    /** Answer StaleEpoch: the caller routed with an older map. */
    record StaleEpoch(long requestEpoch, long currentEpoch) implements Route {
    }

    /** No leader is known and forwarding has nowhere to go. */
    record Unavailable(int shardId, String message) implements Route {
    }
}
