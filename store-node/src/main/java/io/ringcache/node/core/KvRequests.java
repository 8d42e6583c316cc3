package io.ringcache.node.core;

import io.ringcache.placement.core.PartitionMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The store's one request path, as every front door (gRPC, HTTP, RESP) calls it in-process.
 * Futures never complete exceptionally: every failure is a {@link ShardOutcome.Failed}.
 */
public interface KvRequests {

    /** Serves {@code op} for the shard that owns {@code key}. */
    CompletableFuture<ShardOutcome> submit(byte[] key, ShardOp op, Routing routing);

    /** Serves {@code op} on {@code shardId}: one shard's part of a request over several keys, grouped by the caller. */
    CompletableFuture<ShardOutcome> submitToShard(int shardId, ShardOp op, Routing routing);

    /** The partition map requests are routed by, once this store has one. */
    Optional<PartitionMap> map();
}
