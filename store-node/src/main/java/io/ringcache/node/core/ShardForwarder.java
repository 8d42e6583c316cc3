package io.ringcache.node.core;

import java.util.concurrent.CompletableFuture;

/**
 * The port that sends one shard's request to another store, asking it to serve it itself (no
 * further forwarding). Never completes exceptionally: a failed call is a {@link ShardOutcome.Failed},
 * {@link KvFailure.Unavailable#notApplied()} only when the request certainly never reached the store.
 */
public interface ShardForwarder {

    CompletableFuture<ShardOutcome> forward(String storeId, String address, int shardId, ShardOp op,
                                            long epoch, long budgetMillis);
}
