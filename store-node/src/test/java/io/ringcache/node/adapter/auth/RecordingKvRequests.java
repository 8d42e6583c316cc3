package io.ringcache.node.adapter.auth;

import io.ringcache.node.core.KvRequests;
import io.ringcache.node.core.Routing;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.core.PartitionMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A request path that records every operation submitted to it, then hands it to the real one. */
public final class RecordingKvRequests implements KvRequests {

    private final KvRequests inner;
    /** Every operation submitted, by key or by shard, in order. */
    public final List<ShardOp> submitted = new CopyOnWriteArrayList<>();

    public RecordingKvRequests(KvRequests inner) {
        this.inner = inner;
    }

    @Override
    public CompletableFuture<ShardOutcome> submit(byte[] key, ShardOp op, Routing routing) {
        submitted.add(op);
        return inner.submit(key, op, routing);
    }

    @Override
    public CompletableFuture<ShardOutcome> submitToShard(int shardId, ShardOp op, Routing routing) {
        submitted.add(op);
        return inner.submitToShard(shardId, op, routing);
    }

    @Override
    public Optional<PartitionMap> map() {
        return inner.map();
    }

    /** The writes submitted so far. */
    public List<ShardOp> writes() {
        return submitted.stream().filter(op -> op instanceof ShardOp.Write).toList();
    }
}
