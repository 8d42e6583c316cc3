package io.ringcache.node.adapter.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.ShardForwarder;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.CompareAndSetRequest;
import io.ringcache.proto.v1.DeleteRequest;
import io.ringcache.proto.v1.ExecuteRequest;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.KeyValueWrite;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutRequest;
import io.ringcache.proto.v1.QueryRequest;
import io.ringcache.proto.v1.RequestHeader;
import io.ringcache.proto.v1.TouchRequest;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.Query;
import java.net.ConnectException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Forwards one shard's request to another store's KV service, asking it to serve the request
 * itself ({@code forward = false}), with the caller's remaining budget as the call's deadline.
 * A call refused at connect is reported as certainly not applied; any other failed call as
 * possibly applied. Single-key reads and plain puts of callers that do not route (epoch 0: HTTP,
 * RESP) travel coalesced ({@link ForwardLanes}).
 */
public final class GrpcShardForwarder implements ShardForwarder {

    /** A store to send a shard's requests to. */
    public record Target(String storeId, String address) {
    }

    /** Which store leads a shard now, as this store knows it (its replica's view, else the map's). */
    @FunctionalInterface
    public interface LeaderLookup {
        Optional<Target> leaderOf(int shardId);
    }

    private final StoreChannels channels;
    private final ForwardLanes lanes;
    /** Where a write that may have applied is sent again; null: it is not. */
    private final LeaderLookup leaders;
    private final ForwardSessions sessions;

    /** A forwarder whose batches of puts are not sent again after a failure that may have applied. */
    public GrpcShardForwarder(StoreChannels channels) {
        this(channels, null);
    }

    /**
     * @param leaders where a write of a caller that does not tag its own (HTTP, RESP) is sent again
     *                after a failure that may have applied ({@link ForwardLanes}, {@link ForwardSessions})
     */
    public GrpcShardForwarder(StoreChannels channels, LeaderLookup leaders) {
        this(channels, leaders, new ForwardSessions());
    }

    /** With the sessions given (tests that fill their windows). */
    GrpcShardForwarder(StoreChannels channels, LeaderLookup leaders, ForwardSessions sessions) {
        this.channels = channels;
        this.leaders = leaders;
        this.sessions = sessions;
        this.lanes = new ForwardLanes(channels, leaders);
    }

    @Override
    public CompletableFuture<ShardOutcome> forward(String storeId, String address, int shardId, ShardOp op,
                                                   long epoch, long budgetMillis) {
        // Single-key reads and plain puts of callers that do not route (HTTP, RESP) share calls.
        if (epoch == 0 && op instanceof ShardOp.Read r && r.query() instanceof Query.Get g) {
            return lanes.get(storeId, address, shardId, r.consistency(), g.key(), budgetMillis);
        }
        if (epoch == 0 && op instanceof ShardOp.Write w && w.command() instanceof Command.Put p) {
            return lanes.put(storeId, address, shardId, p.key(), p.value(), p.ttlMillis(), budgetMillis);
        }
        if (epoch == 0 && leaders != null && op instanceof ShardOp.Write w && !(w.command() instanceof Command.Tagged)) {
            ForwardSessions.Ticket ticket = sessions.take(shardId);
            if (ticket == null) {
                // Never untagged: the request path sends it again after a pause, when windows have room.
                return CompletableFuture.completedFuture(KvProtos.failed(new KvFailure.Unavailable(shardId,
                        "too many forwarded writes in flight to shard " + shardId + " from this store", true)));
            }
            return tagged(storeId, address, shardId, w.command(), ticket, budgetMillis);
        }
        KvGrpc.KvFutureStub stub;
        try {
            stub = KvGrpc.newFutureStub(channels.to(address)).withDeadlineAfter(budgetMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(KvProtos.failed(new KvFailure.Unavailable(shardId,
                    "cannot reach " + storeId + " at " + address + ": " + e.getMessage(), true)));
        }
        RequestHeader.Builder header = RequestHeader.newBuilder().setEpoch(epoch).setForward(false);
        if (op instanceof ShardOp.Read r) {
            header.setConsistency(KvProtos.consistency(r.consistency()));
            if (r.query() instanceof Query.Get g) {
                return call(storeId, shardId, stub.get(GetRequest.newBuilder().setHeader(header)
                        .setKey(UnsafeByteOperations.unsafeWrap(g.key())).build()), KvProtos::outcome);
            }
            if (!(r.query() instanceof Query.BatchGet batch)) {
                // Any other read (a SCAN step) in the shard's own query encoding.
                return call(storeId, shardId, stub.query(QueryRequest.newBuilder().setHeader(header).setShardId(shardId)
                        .setQuery(UnsafeByteOperations.unsafeWrap(CommandCodec.encode(r.query()))).build()), KvProtos::outcome);
            }
            BatchGetRequest.Builder b = BatchGetRequest.newBuilder().setHeader(header);
            for (byte[] k : batch.keys()) {
                b.addKeys(UnsafeByteOperations.unsafeWrap(k));
            }
            return call(storeId, shardId, stub.batchGet(b.build()), KvProtos::outcome);
        }
        Command whole = ((ShardOp.Write) op).command();
        Command command = whole;
        if (command instanceof Command.Tagged t) {
            header.setClientId(t.clientId()).setSequence(t.sequence());
            command = t.command();
        }
        return call(storeId, shardId, write(header.build(), shardId, command, whole).apply(stub), o -> o);
    }

    /**
     * A write of a caller that does not tag its own, tagged with one of this store's sessions and
     * sent until it is answered ({@link ForwardResend}); the ticket is given back then.
     */
    private CompletableFuture<ShardOutcome> tagged(String storeId, String address, int shardId, Command command,
                                                   ForwardSessions.Ticket ticket, long budgetMillis) {
        CompletableFuture<ShardOutcome> result = new CompletableFuture<>();
        try {
            long sequence = ticket.sequence();
            RequestHeader header = RequestHeader.newBuilder().setForward(false)
                    .setClientId(ticket.clientId()).setSequence(sequence).build();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
            new ForwardResend<ShardOutcome>(channels, leaders, shardId, deadline,
                    write(header, shardId, command, new Command.Tagged(ticket.clientId(), sequence, command)),
                    ForwardResend.Refusal::of, result::complete, failure -> result.complete(KvProtos.failed(failure)))
                    .sendTo(storeId, address);
        } catch (RuntimeException e) {
            // Nothing was sent: the session goes back and the write is refused as not applied.
            result.complete(KvProtos.failed(new KvFailure.Unavailable(shardId, "forwarding to " + storeId + " failed: " + e, true)));
        }
        return result.whenComplete((o, e) -> sessions.giveBack(ticket));
    }

    /**
     * The call that sends one write: {@code command} in its own RPC with {@code header}'s tag, or,
     * for a command without one (the Redis protocol's), {@code whole} (tagged inside, if at all)
     * in the log's own encoding.
     */
    private static Function<KvGrpc.KvFutureStub, ListenableFuture<ShardOutcome>> write(RequestHeader header, int shardId,
                                                                                      Command command, Command whole) {
        if (command instanceof Command.Put p) {
            PutRequest r = PutRequest.newBuilder().setHeader(header).setKey(UnsafeByteOperations.unsafeWrap(p.key()))
                    .setValue(UnsafeByteOperations.unsafeWrap(p.value())).setTtlMs(p.ttlMillis()).build();
            return stub -> map(stub.put(r), KvProtos::outcome);
        }
        if (command instanceof Command.Delete d) {
            DeleteRequest r = DeleteRequest.newBuilder().setHeader(header).setKey(UnsafeByteOperations.unsafeWrap(d.key())).build();
            return stub -> map(stub.delete(r), KvProtos::outcome);
        }
        if (command instanceof Command.Touch t) {
            TouchRequest r = TouchRequest.newBuilder().setHeader(header).setKey(UnsafeByteOperations.unsafeWrap(t.key()))
                    .setTtlMs(t.ttlMillis()).build();
            return stub -> map(stub.touch(r), KvProtos::outcome);
        }
        if (command instanceof Command.CompareAndSet c) {
            CompareAndSetRequest.Builder b = CompareAndSetRequest.newBuilder().setHeader(header)
                    .setKey(UnsafeByteOperations.unsafeWrap(c.key())).setNewValue(UnsafeByteOperations.unsafeWrap(c.newValue()))
                    .setTtlMs(c.ttlMillis());
            if (c.expected() instanceof Command.Expectation.Version v) {
                b.setExpectedVersion(v.version());
            } else if (c.expected() instanceof Command.Expectation.Value v) {
                b.setExpectedValue(UnsafeByteOperations.unsafeWrap(v.value()));
            } else {
                b.setExpectAbsent(true);
            }
            CompareAndSetRequest r = b.build();
            return stub -> map(stub.compareAndSet(r), KvProtos::outcome);
        }
        if (command instanceof Command.BatchPut batch) {
            BatchPutRequest.Builder b = BatchPutRequest.newBuilder().setHeader(header);
            for (Command.Put p : batch.puts()) {
                b.addEntries(KeyValueWrite.newBuilder().setKey(UnsafeByteOperations.unsafeWrap(p.key()))
                        .setValue(UnsafeByteOperations.unsafeWrap(p.value())).setTtlMs(p.ttlMillis()));
            }
            BatchPutRequest r = b.build();
            return stub -> map(stub.batchPut(r), KvProtos::outcome);
        }
        // Everything else (the Redis protocol's commands) in the log's own encoding: an execute
        // request takes its tag from inside the entry, never from the header.
        ExecuteRequest r = ExecuteRequest.newBuilder().setHeader(header.toBuilder().setClientId(0).setSequence(0))
                .setShardId(shardId).setEntry(UnsafeByteOperations.unsafeWrap(CommandCodec.encode(whole))).build();
        return stub -> map(stub.execute(r), KvProtos::outcome);
    }

    private static <R> ListenableFuture<ShardOutcome> map(ListenableFuture<R> call, Function<R, ShardOutcome> outcome) {
        return Futures.transform(call, outcome::apply, MoreExecutors.directExecutor());
    }

    private static <R> CompletableFuture<ShardOutcome> call(String storeId, int shardId, ListenableFuture<R> call,
                                                            Function<R, ShardOutcome> outcome) {
        CompletableFuture<ShardOutcome> result = new CompletableFuture<>();
        Futures.addCallback(call, new FutureCallback<R>() {
            @Override
            public void onSuccess(R reply) {
                result.complete(outcome.apply(reply));
            }

            @Override
            public void onFailure(Throwable t) {
                result.complete(KvProtos.failed(new KvFailure.Unavailable(shardId,
                        "forwarding to " + storeId + " failed: " + Status.fromThrowable(t), refusedAtConnect(t))));
            }
        }, MoreExecutors.directExecutor());
        return result;
    }

    /** True when the call failed to connect: nothing was sent. */
    static boolean refusedAtConnect(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }
}
