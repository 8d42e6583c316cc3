package io.ringcache.node.adapter.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.ringcache.node.core.CommitQueue;
import io.ringcache.node.core.Consistency;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KeyValueWrite;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.RequestHeader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Coalesces forwarded single-key reads and plain (untagged) puts: per target store, shard and kind
 * of call, at most {@link #MAX_IN_FLIGHT} calls are in flight, and everything that arrives
 * meanwhile leaves in the next one, as one BatchGet or BatchPut. A forwarded call costs the two
 * stores far more than each key in it (an HTTP/2 stream, a request-path pass, a ReadIndex round or
 * a log entry), so under load one call carries many front-door requests; alone, a request pays
 * no delay. The SDK's write and read lanes do the same for the same reason.
 *
 * <p>What each caller sees is what its own forwarded Get or Put would have answered: the target
 * serves a batch's reads with one ReadIndex taken after every read in it arrived (so each stays
 * linearizable), and applies a batch's puts as one atomic command of the shard, each with its own
 * version. A call that fails fails every request in it alike, as possibly applied unless it was
 * refused at connect. Tagged writes (an SDK's deduplicated writes) and other kinds are not coalesced.
 * A call's deadline is the latest of its requests' budgets, so a request may wait past its own
 * budget for its batch's answer; the front doors' own backstop ({@code OffLoopRequests}) still
 * answers it in time.
 *
 * <p><b>Batches of puts are sent again, not given up on.</b> Each BatchPut carries the lane's own
 * client id and a new sequence number, so the shard applies it once however often it arrives;
 * after a failure that may have applied, the same request goes to the shard's leader as this
 * store knows it then ({@link ForwardResend}). One call in flight per lane keeps the lane's
 * sequences inside the shard's window of remembered results.
 *
 * <p>Lanes live as long as the forwarder: one per (store address, shard, kind, consistency), a
 * set bounded by the cluster's stores and shards.
 */
final class ForwardLanes {

    /** One call in flight per lane: everything that arrives meanwhile leaves in the next one. */
    static final int MAX_IN_FLIGHT = 1;
    static final int MAX_BATCH = 1024;
    /** Keeps a batch of puts well inside one Raft entry; a larger single put still goes, alone. */
    static final long MAX_BATCH_BYTES = 512 * 1024;

    private enum Kind { GET, PUT }

    private record LaneKey(String address, int shardId, Kind kind, Consistency consistency) {
    }

    /** One forwarded request; {@code value} is null for a read. */
    private record Pending(byte[] key, byte[] value, long ttlMillis, long deadlineNanos,
                           CompletableFuture<ShardOutcome> outcome) {
    }

    private final class Lane {
        final LaneKey key;
        final String storeId;
        final CommitQueue<Pending> queue = new CommitQueue<>(MAX_IN_FLIGHT, MAX_BATCH, MAX_BATCH_BYTES);
        /** This lane's client id in the shard's sessions (never 0, which means untagged). */
        final long clientId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        /** The last sequence number used; one batch in flight, so sequences reach the shard in order. */
        final AtomicLong sequence = new AtomicLong();

        Lane(LaneKey key, String storeId) {
            this.key = key;
            this.storeId = storeId;
        }

        void send(List<Pending> batch) {
            if (!batch.isEmpty()) {
                sendBatch(this, batch);
            }
        }
    }

    private final StoreChannels channels;
    /** Where a batch of puts that may have applied is sent again; null: it is not. */
    private final GrpcShardForwarder.LeaderLookup leaders;
    private final Map<LaneKey, Lane> lanes = new ConcurrentHashMap<>();

    ForwardLanes(StoreChannels channels, GrpcShardForwarder.LeaderLookup leaders) {
        this.channels = channels;
        this.leaders = leaders;
    }

    /** Forwards a linearizable or follower read of one key. */
    CompletableFuture<ShardOutcome> get(String storeId, String address, int shardId, Consistency consistency,
                                        byte[] key, long budgetMillis) {
        return offer(storeId, new LaneKey(address, shardId, Kind.GET, consistency), key, null, 0, budgetMillis, key.length);
    }

    /** Forwards an untagged put of one key. */
    CompletableFuture<ShardOutcome> put(String storeId, String address, int shardId, byte[] key, byte[] value,
                                        long ttlMillis, long budgetMillis) {
        return offer(storeId, new LaneKey(address, shardId, Kind.PUT, Consistency.LINEARIZABLE), key, value, ttlMillis,
                budgetMillis, key.length + value.length + 16);
    }

    private CompletableFuture<ShardOutcome> offer(String storeId, LaneKey laneKey, byte[] key, byte[] value, long ttl,
                                                  long budgetMillis, int bytes) {
        CompletableFuture<ShardOutcome> outcome = new CompletableFuture<>();
        Lane lane = lanes.computeIfAbsent(laneKey, k -> new Lane(k, storeId));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
        lane.send(lane.queue.offer(new Pending(key, value, ttl, deadline, outcome), bytes));
        return outcome;
    }

    private void sendBatch(Lane lane, List<Pending> batch) {
        long deadline = Long.MIN_VALUE;
        for (Pending p : batch) {
            deadline = Math.max(deadline, p.deadlineNanos());
        }
        LaneKey k = lane.key;
        RequestHeader.Builder header = RequestHeader.newBuilder().setForward(false);
        if (k.kind() == Kind.PUT) {
            BatchPutRequest.Builder b = BatchPutRequest.newBuilder()
                    .setHeader(header.setClientId(lane.clientId).setSequence(lane.sequence.incrementAndGet()));
            for (Pending p : batch) {
                b.addEntries(KeyValueWrite.newBuilder().setKey(UnsafeByteOperations.unsafeWrap(p.key()))
                        .setValue(UnsafeByteOperations.unsafeWrap(p.value())).setTtlMs(p.ttlMillis()));
            }
            BatchPutRequest request = b.build();
            new ForwardResend<BatchPutResponse>(channels, leaders, k.shardId(), deadline, stub -> stub.batchPut(request),
                    reply -> refusal(reply, batch.size()), reply -> finish(lane, batch, i -> onePut(reply, i)),
                    failure -> finish(lane, batch, i -> KvProtos.failed(failure))).sendTo(lane.storeId, k.address());
            return;
        }
        KvGrpc.KvFutureStub stub;
        try {
            stub = KvGrpc.newFutureStub(channels.to(k.address()))
                    .withDeadlineAfter(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            KvFailure cannot = new KvFailure.Unavailable(k.shardId(),
                    "cannot reach " + lane.storeId + " at " + k.address() + ": " + e.getMessage(), true);
            finish(lane, batch, i -> KvProtos.failed(cannot));
            return;
        }
        header.setConsistency(KvProtos.consistency(k.consistency()));
        BatchGetRequest.Builder b = BatchGetRequest.newBuilder().setHeader(header);
        for (Pending p : batch) {
            b.addKeys(UnsafeByteOperations.unsafeWrap(p.key()));
        }
        call(lane, batch, stub.batchGet(b.build()), r -> i -> oneGet(r, i));
    }

    /**
     * How a store refused a batch: every put refused for want of a leader there (not the leader,
     * no leader yet), so another leader may take it, and whether the store says it may have applied
     * (a leader that lost its term with the entry appended); or some put refused because its key
     * moved to a split's child; or neither (answered, or refused for good).
     */
    private static ForwardResend.Refusal refusal(BatchPutResponse reply, int puts) {
        if (reply.getResultsCount() != puts) {
            return ForwardResend.Refusal.NONE; // a reply that does not match the request; finish() reports it
        }
        int noLeader = 0;
        boolean maybeApplied = false;
        for (int i = 0; i < puts; i++) {
            // Every forwarded batch passes here: an applied put is skipped without building its
            // outcome, which finish() builds once.
            if (!reply.getResults(i).hasError()) {
                continue;
            }
            switch (ForwardResend.Refusal.of(onePut(reply, i))) {
                case KEY_MOVED -> {
                    return ForwardResend.Refusal.KEY_MOVED;
                }
                case NO_LEADER -> noLeader++;
                case NO_LEADER_MAYBE_APPLIED -> {
                    noLeader++;
                    maybeApplied = true;
                }
                case NONE -> { }
            }
        }
        if (noLeader < puts) {
            return ForwardResend.Refusal.NONE;
        }
        return maybeApplied ? ForwardResend.Refusal.NO_LEADER_MAYBE_APPLIED : ForwardResend.Refusal.NO_LEADER;
    }

    /** Completes the batch from the call's reply ({@code split} gives the i-th request's outcome). */
    private <R> void call(Lane lane, List<Pending> batch, ListenableFuture<R> call,
                          Function<R, IntFunction<ShardOutcome>> split) {
        Futures.addCallback(call, new FutureCallback<R>() {
            @Override
            public void onSuccess(R reply) {
                finish(lane, batch, split.apply(reply));
            }

            @Override
            public void onFailure(Throwable t) {
                KvFailure failed = new KvFailure.Unavailable(lane.key.shardId(), "forwarding to " + lane.storeId
                        + " failed: " + Status.fromThrowable(t), GrpcShardForwarder.refusedAtConnect(t));
                finish(lane, batch, i -> KvProtos.failed(failed));
            }
        }, MoreExecutors.directExecutor());
    }

    /**
     * Answers every request of the batch, then sends the next batch of the lane. Callers continue
     * on this thread (gRPC's); their continuations only encode replies and hand them on.
     */
    private static void finish(Lane lane, List<Pending> batch, IntFunction<ShardOutcome> outcomeOf) {
        try {
            for (int i = 0; i < batch.size(); i++) {
                ShardOutcome o;
                try {
                    o = outcomeOf.apply(i);
                } catch (RuntimeException e) {
                    o = KvProtos.failed(new KvFailure.Unavailable(lane.key.shardId(),
                            "a forwarded batch's reply did not match its request: " + e.getMessage(), false));
                }
                batch.get(i).outcome().complete(o);
            }
        } finally {
            // The call is over whatever happened above: a missed completed() would stall the lane.
            lane.send(lane.queue.completed());
        }
    }

    private static ShardOutcome oneGet(BatchGetResponse r, int i) {
        GetResponse g = r.getResults(i);
        return KvProtos.outcome(g.hasHeader() ? g.getHeader() : r.getHeader(), g);
    }

    private static ShardOutcome onePut(BatchPutResponse r, int i) {
        PutResponse p = r.getResults(i);
        return KvProtos.outcome(p.hasHeader() ? p.getHeader() : r.getHeader(), p);
    }
}
