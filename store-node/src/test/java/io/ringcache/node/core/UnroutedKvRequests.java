package io.ringcache.node.core;

import io.ringcache.placement.core.PartitionMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The request path of a store that has no partition map yet (it just started): nothing can be
 * routed, so a test that reaches {@link #submit} or {@link #submitToShard} fails with the reason
 * the caller gives.
 */
public final class UnroutedKvRequests implements KvRequests {

    private final String whyNoCall;

    public UnroutedKvRequests(String whyNoCall) {
        this.whyNoCall = whyNoCall;
    }

    @Override
    public CompletableFuture<ShardOutcome> submit(byte[] key, ShardOp op, Routing routing) {
        throw new AssertionError(whyNoCall);
    }

    @Override
    public CompletableFuture<ShardOutcome> submitToShard(int shardId, ShardOp op, Routing routing) {
        throw new AssertionError(whyNoCall);
    }

    @Override
    public Optional<PartitionMap> map() {
        return Optional.empty();
    }
}
