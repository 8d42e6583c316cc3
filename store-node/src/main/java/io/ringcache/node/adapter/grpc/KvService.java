package io.ringcache.node.adapter.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringcache.node.adapter.raft.GroupCommitWriter;
import io.ringcache.node.core.CurrentMap;
import io.ringcache.node.core.LocalShards;
import io.ringcache.node.core.Route;
import io.ringcache.node.core.Router;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.proto.v1.CompareAndSetRequest;
import io.ringcache.proto.v1.CompareAndSetResponse;
import io.ringcache.proto.v1.DeleteRequest;
import io.ringcache.proto.v1.DeleteResponse;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.Invalidation;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutRequest;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.ReadConsistency;
import io.ringcache.proto.v1.RequestHeader;
import io.ringcache.proto.v1.ResponseHeader;
import io.ringcache.proto.v1.TouchRequest;
import io.ringcache.proto.v1.TouchResponse;
import io.ringcache.proto.v1.VersionedValue;
import io.ringcache.proto.v1.WatchInvalidationsRequest;
import io.ringcache.node.adapter.metrics.ShardOps;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.StoredValue;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The KV gRPC service of a store. Each request is routed by the partition map ({@link Router}):
 * served here when this store leads the key's shard (or holds any replica, for follower and
 * stale reads), proxied to the leader when the caller set {@code forward}, and otherwise answered
 * with a typed NotLeader or StaleEpoch error so a smart client corrects its route. Writes go
 * through group commit. Batch calls are in {@link KvBatchOperations}.
 *
 * <p>Bad input (empty key, negative TTL, a missing expectation) is a gRPC INVALID_ARGUMENT;
 * oversized keys and values, a full shard and routing failures are typed errors in the reply.
 */
public final class KvService extends KvGrpc.KvImplBase {

    static final long FORWARD_DEADLINE_SECONDS = 10;
    /** Unsent invalidation keys one stream may buffer before it fails with RESOURCE_EXHAUSTED. */
    static final int MAX_BUFFERED_INVALIDATION_KEYS = 10_000;

    private final ShardGroupHost host;
    private final GroupCommitWriter writer;
    private final CurrentMap currentMap;
    private final StoreChannels channels;
    private final ShardLimits limits;
    private final LocalShards local;
    private final KvBatchOperations batches;
    private final ShardOps ops;
    private final int maxBufferedInvalidationKeys;
    /**
     * Sends invalidations for every stream: one thread (sends never block, they only queue in
     * the transport), started on demand and gone after a minute idle.
     */
    private final Executor invalidationSender;

    public KvService(ShardGroupHost host, GroupCommitWriter writer, CurrentMap currentMap,
                     StoreChannels channels, ShardLimits limits, ShardOps ops) {
        this(host, writer, currentMap, channels, limits, ops, MAX_BUFFERED_INVALIDATION_KEYS);
    }

    public KvService(ShardGroupHost host, GroupCommitWriter writer, CurrentMap currentMap,
                     StoreChannels channels, ShardLimits limits, ShardOps ops, int maxBufferedInvalidationKeys) {
        this.ops = ops;
        this.maxBufferedInvalidationKeys = maxBufferedInvalidationKeys;
        ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "ringcache-invalidations");
            t.setDaemon(true);
            return t;
        });
        sender.allowCoreThreadTimeOut(true);
        this.invalidationSender = sender;
        this.host = host;
        this.writer = writer;
        this.currentMap = currentMap;
        this.channels = channels;
        this.limits = limits;
        this.local = new LocalShards() {
            @Override
            public boolean leads(int shardId) {
                // A leader still committing its first entry accepts writes (Ratis appends them after
                // it) and answers reads with LeaderNotReady, which becomes a retryable Unavailable.
                return host.role(shardId) == ShardGroupHost.Role.LEADER;
            }

            @Override
            public boolean hosts(int shardId) {
                return host.role(shardId) != ShardGroupHost.Role.NOT_HOSTED;
            }

            @Override
            public Optional<String> leaderOf(int shardId) {
                return host.leader(shardId);
            }
        };
        this.batches = new KvBatchOperations(this);
    }

    // ---- single-key operations ----

    @Override
    public void get(GetRequest r, StreamObserver<GetResponse> out) {
        if (!validKey(r.getKey(), out)) {
            return;
        }
        boolean anyReplica = r.getHeader().getConsistency() != ReadConsistency.READ_CONSISTENCY_LINEARIZABLE;
        byte[] key = r.getKey().toByteArray();
        serve(r.getHeader(), key, anyReplica, out,
                e -> GetResponse.newBuilder().setError(e).build(),
                shard -> {
                    long servedFrom = host.appliedIndex(shard); // before the read: a lower bound of what it sees
                    return read(shard, r.getHeader(), new Query.Get(key)).thenApply(answer -> {
                        StoredValue v = ((ResultCodec.Answer.Value) answer).value();
                        GetResponse.Builder b = GetResponse.newBuilder().setHeader(header(shard, servedFrom))
                                .setFound(v != null);
                        if (v != null) {
                            b.setValue(versioned(v));
                        }
                        return b.build();
                    });
                },
                (stub, h) -> stub.get(r.toBuilder().setHeader(h).build()));
    }

    @Override
    public void put(PutRequest r, StreamObserver<PutResponse> out) {
        if (!validKey(r.getKey(), out)) {
            return;
        }
        if (r.getValue().size() > limits.maxValueBytes()) {
            reply(out, PutResponse.newBuilder().setError(KvErrors.valueTooLarge(r.getValue().size(), limits.maxValueBytes())).build());
            return;
        }
        if (!validTtl(r.getTtlMs(), out)) {
            return;
        }
        byte[] key = r.getKey().toByteArray();
        Command c = tagged(r.getHeader(), new Command.Put(key, r.getValue().toByteArray(), r.getTtlMs()));
        serve(r.getHeader(), key, false, out,
                e -> PutResponse.newBuilder().setError(e).build(),
                shard -> write(shard, c, r.getSerializedSize()).thenApply(result -> {
                    PutResponse.Builder b = PutResponse.newBuilder().setHeader(header(shard));
                    if (result instanceof CommandResult.Written w) {
                        b.setVersion(w.version()).setPreviousVersion(w.previousVersion());
                    } else {
                        b.setError(rejected(shard, result));
                    }
                    return b.build();
                }),
                (stub, h) -> stub.put(r.toBuilder().setHeader(h).build()));
    }

    @Override
    public void delete(DeleteRequest r, StreamObserver<DeleteResponse> out) {
        if (!validKey(r.getKey(), out)) {
            return;
        }
        byte[] key = r.getKey().toByteArray();
        Command c = tagged(r.getHeader(), new Command.Delete(key));
        serve(r.getHeader(), key, false, out,
                e -> DeleteResponse.newBuilder().setError(e).build(),
                shard -> write(shard, c, r.getSerializedSize()).thenApply(result -> {
                    DeleteResponse.Builder b = DeleteResponse.newBuilder().setHeader(header(shard));
                    if (result instanceof CommandResult.Deleted d) {
                        b.setDeleted(d.deleted()).setPreviousVersion(d.previousVersion());
                    } else {
                        b.setError(rejected(shard, result));
                    }
                    return b.build();
                }),
                (stub, h) -> stub.delete(r.toBuilder().setHeader(h).build()));
    }

    @Override
    public void compareAndSet(CompareAndSetRequest r, StreamObserver<CompareAndSetResponse> out) {
        if (!validKey(r.getKey(), out) || !validTtl(r.getTtlMs(), out)) {
            return;
        }
        Command.Expectation expected;
        switch (r.getExpectedCase()) {
            case EXPECTED_VERSION:
                expected = new Command.Expectation.Version(r.getExpectedVersion());
                break;
            case EXPECTED_VALUE:
                expected = new Command.Expectation.Value(r.getExpectedValue().toByteArray());
                break;
            case EXPECT_ABSENT:
                expected = new Command.Expectation.Absent();
                break;
            default:
                out.onError(Status.INVALID_ARGUMENT
                        .withDescription("compare-and-set needs expected_version, expected_value or expect_absent")
                        .asException());
                return;
        }
        if (r.getNewValue().size() > limits.maxValueBytes()) {
            reply(out, CompareAndSetResponse.newBuilder()
                    .setError(KvErrors.valueTooLarge(r.getNewValue().size(), limits.maxValueBytes())).build());
            return;
        }
        byte[] key = r.getKey().toByteArray();
        Command c = tagged(r.getHeader(), new Command.CompareAndSet(key, expected, r.getNewValue().toByteArray(), r.getTtlMs()));
        serve(r.getHeader(), key, false, out,
                e -> CompareAndSetResponse.newBuilder().setError(e).build(),
                shard -> write(shard, c, r.getSerializedSize()).thenApply(result -> {
                    CompareAndSetResponse.Builder b = CompareAndSetResponse.newBuilder().setHeader(header(shard));
                    if (result instanceof CommandResult.CasOutcome o) {
                        b.setSucceeded(o.succeeded()).setVersion(o.version()).setFound(o.current() != null);
                        if (o.current() != null) {
                            b.setCurrent(versioned(o.current()));
                        }
                    } else {
                        b.setError(rejected(shard, result));
                    }
                    return b.build();
                }),
                (stub, h) -> stub.compareAndSet(r.toBuilder().setHeader(h).build()));
    }

    @Override
    public void touch(TouchRequest r, StreamObserver<TouchResponse> out) {
        if (!validKey(r.getKey(), out) || !validTtl(r.getTtlMs(), out)) {
            return;
        }
        byte[] key = r.getKey().toByteArray();
        Command c = tagged(r.getHeader(), new Command.Touch(key, r.getTtlMs()));
        serve(r.getHeader(), key, false, out,
                e -> TouchResponse.newBuilder().setError(e).build(),
                shard -> write(shard, c, r.getSerializedSize()).thenApply(result -> {
                    TouchResponse.Builder b = TouchResponse.newBuilder().setHeader(header(shard));
                    if (result instanceof CommandResult.Touched t) {
                        b.setFound(t.found());
                    } else {
                        b.setError(rejected(shard, result));
                    }
                    return b.build();
                }),
                (stub, h) -> stub.touch(r.toBuilder().setHeader(h).build()));
    }

    @Override
    public void batchGet(io.ringcache.proto.v1.BatchGetRequest r, StreamObserver<io.ringcache.proto.v1.BatchGetResponse> out) {
        batches.batchGet(r, out);
    }

    @Override
    public void batchPut(io.ringcache.proto.v1.BatchPutRequest r, StreamObserver<io.ringcache.proto.v1.BatchPutResponse> out) {
        batches.batchPut(r, out);
    }

    /**
     * Streams, for each requested shard hosted here, the keys each applied write changes (see
     * {@link InvalidationStream} for the guarantees). Fails with INVALID_ARGUMENT on an empty
     * list, FAILED_PRECONDITION on a shard not hosted here or when one stops being hosted, and
     * RESOURCE_EXHAUSTED when the client falls more than the buffer behind.
     */
    @Override
    public void watchInvalidations(WatchInvalidationsRequest r, StreamObserver<Invalidation> out) {
        if (r.getShardIdsCount() == 0) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("shard_ids must name at least one shard").asException());
            return;
        }
        int[] shards = r.getShardIdsList().stream().mapToInt(Integer::intValue).distinct().toArray();
        for (int shard : shards) {
            if (shard < 0) {
                out.onError(Status.FAILED_PRECONDITION
                        .withDescription("shard " + Integer.toUnsignedString(shard) + " is not hosted on this store").asException());
                return;
            }
        }
        new InvalidationStream(host, (ServerCallStreamObserver<Invalidation>) out, invalidationSender,
                maxBufferedInvalidationKeys, shards).start();
    }

    // ---- shared machinery (package-private for KvBatchOperations) ----

    /**
     * Routes one shard's request: local, forwarded, or answered with a routing error.
     *
     * @param failed  builds the reply carrying a typed error
     * @param served  serves the request on this store for the given shard
     * @param forward sends the request (with the given header) to the leader's store
     */
    <R> void serve(RequestHeader header, byte[] key, boolean anyReplica, StreamObserver<R> out,
                   Function<Error, R> failed, IntFunction<CompletableFuture<R>> served,
                   BiFunction<KvGrpc.KvFutureStub, RequestHeader, ListenableFuture<R>> forward) {
        if (key.length > limits.maxKeyBytes()) {
            reply(out, failed.apply(KvErrors.keyTooLarge(key.length, limits.maxKeyBytes())));
            return;
        }
        Optional<PartitionMap> map = currentMap.get();
        if (map.isEmpty()) {
            reply(out, failed.apply(KvErrors.unavailable(0, "this store has no partition map yet")));
            return;
        }
        int shard = map.get().ring().shardForKey(key);
        dispatch(map.get(), shard, header, anyReplica, failed, served, forward).whenComplete((response, error) -> {
            if (error != null) {
                reply(out, failed.apply(KvErrors.of(shard, error, "")));
            } else {
                reply(out, response);
            }
        });
    }

    <R> CompletableFuture<R> dispatch(PartitionMap map, int shard, RequestHeader header, boolean anyReplica,
                                      Function<Error, R> failed, IntFunction<CompletableFuture<R>> served,
                                      BiFunction<KvGrpc.KvFutureStub, RequestHeader, ListenableFuture<R>> forward) {
        Route route = Router.route(map, shard, header.getEpoch(), header.getForward(), anyReplica, local);
        if (route instanceof Route.Local) {
            ops.record(shard);
            return served.apply(shard).exceptionally(error -> failed.apply(KvErrors.of(shard, error, "")));
        }
        if (route instanceof Route.Forward f) {
            KvGrpc.KvFutureStub stub = KvGrpc.newFutureStub(channels.to(f.grpcAddress()))
                    .withDeadlineAfter(FORWARD_DEADLINE_SECONDS, TimeUnit.SECONDS);
            CompletableFuture<R> result = new CompletableFuture<>();
            Futures.addCallback(forward.apply(stub, header.toBuilder().setForward(false).build()), new FutureCallback<R>() {
                @Override
                public void onSuccess(R r) {
                    result.complete(r);
                }

                @Override
                public void onFailure(Throwable t) {
                    result.complete(failed.apply(KvErrors.unavailable(shard,
                            "forwarding to " + f.storeId() + " failed: " + Status.fromThrowable(t))));
                }
            }, MoreExecutors.directExecutor());
            return result;
        }
        return CompletableFuture.completedFuture(failed.apply(KvErrors.of(route)));
    }

    /**
     * The command tagged with the caller's client id and sequence (when it gave one), so the
     * shard applies a retried write once.
     */
    static Command tagged(RequestHeader header, Command command) {
        return header.getClientId() == 0 ? command
                : new Command.Tagged(header.getClientId(), header.getSequence(), command);
    }

    CompletableFuture<CommandResult> write(int shard, Command command, int bytes) {
        return writer.write(shard, command, bytes);
    }

    CompletableFuture<ResultCodec.Answer> read(int shard, RequestHeader header, Query query) {
        boolean stale = header.getConsistency() == ReadConsistency.READ_CONSISTENCY_STALE;
        return host.query(shard, CommandCodec.encode(query), stale);
    }

    ResponseHeader header(int shard) {
        return header(shard, host.appliedIndex(shard));
    }

    /**
     * Reads report the applied index taken <em>before</em> the read ran: the value reflects every
     * write up to it (applied indexes only grow), which is what a near cache needs to refuse a
     * value that an invalidation it already received is newer than ({@code NearCache.put}).
     */
    ResponseHeader header(int shard, long appliedIndex) {
        return ResponseHeader.newBuilder().setShardId(shard).setAppliedIndex(Math.max(0, appliedIndex))
                .setEpoch(currentMap.get().map(PartitionMap::epoch).orElse(0L)).build();
    }

    long appliedIndex(int shard) {
        return host.appliedIndex(shard);
    }

    Error rejected(int shard, CommandResult result) {
        if (result instanceof CommandResult.Rejected x) {
            return KvErrors.of(shard, x, limits.memoryBudgetBytes());
        }
        return KvErrors.invalid("unexpected result " + result.getClass().getSimpleName());
    }

    static VersionedValue versioned(StoredValue v) {
        return VersionedValue.newBuilder().setValue(UnsafeByteOperations.unsafeWrap(v.value()))
                .setVersion(v.version()).setExpiresAtUnixMs(v.expiresAt()).build();
    }

    ShardLimits limits() {
        return limits;
    }

    Optional<PartitionMap> map() {
        return currentMap.get();
    }

    boolean validKey(ByteString key, StreamObserver<?> out) {
        if (key.isEmpty()) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("key must not be empty").asException());
            return false;
        }
        return true;
    }

    static boolean validTtl(long ttlMs, StreamObserver<?> out) {
        if (ttlMs < 0) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("ttl_ms must not be negative").asException());
            return false;
        }
        return true;
    }

    static <R> void reply(StreamObserver<R> out, R response) {
        out.onNext(response);
        out.onCompleted();
    }
}
