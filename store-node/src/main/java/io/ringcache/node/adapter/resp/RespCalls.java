package io.ringcache.node.adapter.resp;

import io.ringcache.node.adapter.netty.OffLoopRequests;
import io.ringcache.node.core.Consistency;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.KvRequests;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.StoredValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Calls on the node's request path for RESP commands, off the transport thread
 * ({@link OffLoopRequests}), any store serving any key, within the deadline; failures become Redis
 * error replies.
 */
final class RespCalls {

    private final OffLoopRequests requests;
    private final long deadlineMillis;

    RespCalls(OffLoopRequests requests, long deadlineMillis) {
        this.requests = requests;
        this.deadlineMillis = deadlineMillis;
    }

    KvRequests requests() {
        return requests.requests();
    }

    /** Reads {@code key} linearizably; {@code reply} gets the live value or null. */
    CompletableFuture<RespReply> read(byte[] key, Function<StoredValue, RespReply> reply) {
        return call(key, -1, new ShardOp.Read(new Query.Get(key), Consistency.LINEARIZABLE), outcome ->
                reply.apply(((ResultCodec.Answer.Value) ((ShardOutcome.Answered) outcome).answer()).value()));
    }

    /** Writes {@code command} ({@code bytes}: its size, as group commit counts it) to the shard of {@code key}. */
    CompletableFuture<RespReply> write(byte[] key, Command command, int bytes, Function<CommandResult, RespReply> reply) {
        return call(key, -1, new ShardOp.Write(command, bytes), outcome ->
                reply.apply(((ShardOutcome.Applied) outcome).result()));
    }

    /** One shard's part of a multi-key command. */
    CompletableFuture<RespReply> toShard(int shard, ShardOp op, Function<ShardOutcome, RespReply> reply) {
        return call(null, shard, op, reply);
    }

    private CompletableFuture<RespReply> call(byte[] key, int shard, ShardOp op, Function<ShardOutcome, RespReply> reply) {
        return (key != null ? requests.submit(key, op, deadlineMillis) : requests.submitToShard(shard, op, deadlineMillis))
                .handle((outcome, error) -> {
                    if (error != null) {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        return cause instanceof TimeoutException
                                ? RespReply.error("TRYAGAIN no answer within " + deadlineMillis + " ms")
                                : RespReply.error("ERR internal error: " + cause);
                    }
                    return outcome instanceof ShardOutcome.Failed f ? error(f.failure()) : reply.apply(outcome);
                });
    }

    /** The Redis form of a failure: transient ones are TRYAGAIN (a client may retry), a full shard OOM. */
    static RespReply error(KvFailure failure) {
        if (failure instanceof KvFailure.Unauthenticated) {
            return RespReply.error("NOAUTH Authentication required.");
        }
        if (failure instanceof KvFailure.PermissionDenied d) {
            return RespReply.error("NOPERM " + d.message());
        }
        if (failure instanceof KvFailure.InvalidArgument i) {
            return RespReply.error("ERR " + i.message());
        }
        if (failure instanceof KvFailure.KeyTooLarge k) {
            return RespReply.error("ERR key of " + k.size() + " bytes exceeds the maximum of " + k.maxSize());
        }
        if (failure instanceof KvFailure.ValueTooLarge v) {
            return RespReply.error("ERR value of " + v.size() + " bytes exceeds the maximum of " + v.maxSize());
        }
        if (failure instanceof KvFailure.ResourceExhausted r) {
            return RespReply.error("OOM command not allowed: shard " + r.shardId() + " reached its memory budget ("
                    + r.message() + ")");
        }
        if (failure instanceof KvFailure.NotLeader n) {
            return RespReply.error("TRYAGAIN could not reach the leader of shard " + n.shardId()
                    + (n.maybeApplied() ? " (the write may have applied)" : ""));
        }
        if (failure instanceof KvFailure.StaleEpoch s) {
            return RespReply.error("TRYAGAIN the partition map changed (epoch " + s.currentEpoch() + ")");
        }
        if (failure instanceof KvFailure.ShardNotFound s) {
            return RespReply.error("TRYAGAIN shard " + s.shardId() + " not found");
        }
        if (failure instanceof KvFailure.KeyMoved m) {
            return RespReply.error("TRYAGAIN shard " + m.shardId() + " split and the key moved; retry");
        }
        KvFailure.Unavailable u = (KvFailure.Unavailable) failure;
        return RespReply.error("TRYAGAIN shard " + u.shardId() + " is unavailable: " + u.message()
                + (u.notApplied() ? "" : " (a write may have applied)"));
    }
}
