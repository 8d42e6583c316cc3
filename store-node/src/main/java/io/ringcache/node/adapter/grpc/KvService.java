package io.ringcache.node.adapter.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringcache.node.core.AccessRules;
import io.ringcache.node.core.KvRequests;
import io.ringcache.node.core.Routing;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.CompareAndSetRequest;
import io.ringcache.proto.v1.CompareAndSetResponse;
import io.ringcache.proto.v1.DeleteRequest;
import io.ringcache.proto.v1.DeleteResponse;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.Invalidation;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutRequest;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.RequestHeader;
import io.ringcache.proto.v1.TouchRequest;
import io.ringcache.proto.v1.TouchResponse;
import io.ringcache.proto.v1.WatchInvalidationsRequest;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.proto.v1.ExecuteRequest;
import io.ringcache.proto.v1.ExecuteResponse;
import io.ringcache.proto.v1.QueryRequest;
import io.ringcache.proto.v1.QueryResponse;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandBatch;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.MalformedMessageException;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ShardLimits;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The KV gRPC service of a store: converts each request into the request path's terms
 * ({@link KvRequests}: routing, local service, forwarding and the wait for a leader live there)
 * and the outcome into the reply ({@link KvProtos}). Batch calls are in {@link KvBatchOperations}.
 *
 * <p>Bad input (empty key, negative TTL, a missing expectation) is a gRPC INVALID_ARGUMENT;
 * oversized keys and values, a full shard and routing failures are typed errors in the reply.
 */
public final class KvService extends KvGrpc.KvImplBase {

    /** The budget of a request whose call has no deadline, and the most any request waits for a leader. */
    static final long MAX_BUDGET_MILLIS = 10_000;
    /** Kept back from the caller's deadline, so the reply can still reach it. */
    static final long DEADLINE_MARGIN_MILLIS = 20;
    /** Unsent invalidation keys one stream may buffer before it fails with RESOURCE_EXHAUSTED. */
    static final int MAX_BUFFERED_INVALIDATION_KEYS = 10_000;

    private final KvRequests requests;
    private final ShardGroupHost host;
    private final ShardLimits limits;
    private final KvBatchOperations batches;
    private final GrpcKeyRights rights;
    private final int maxBufferedInvalidationKeys;
    /**
     * Sends invalidations for every stream: one thread (sends never block, they only queue in
     * the transport), started on demand and gone after a minute idle.
     */
    private final Executor invalidationSender;

    public KvService(KvRequests requests, ShardGroupHost host, ShardLimits limits) {
        this(requests, host, limits, MAX_BUFFERED_INVALIDATION_KEYS);
    }

    public KvService(KvRequests requests, ShardGroupHost host, ShardLimits limits, int maxBufferedInvalidationKeys) {
        this(requests, host, limits, maxBufferedInvalidationKeys, GrpcKeyRights.OPEN);
    }

    /**
     * @param rules    the access table to check each call's key rights against
     * @param refusals told "unauthenticated" or "permission_denied" for each refusal
     */
    public KvService(KvRequests requests, ShardGroupHost host, ShardLimits limits, AccessRules rules,
                     java.util.function.Consumer<String> refusals) {
        this(requests, host, limits, MAX_BUFFERED_INVALIDATION_KEYS, new GrpcKeyRights(rules, refusals));
    }

    private KvService(KvRequests requests, ShardGroupHost host, ShardLimits limits, int maxBufferedInvalidationKeys,
                      GrpcKeyRights rights) {
        this.rights = rights;
        this.requests = requests;
        this.host = host;
        this.limits = limits;
        this.maxBufferedInvalidationKeys = maxBufferedInvalidationKeys;
        ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "ringcache-invalidations");
            t.setDaemon(true);
            return t;
        });
        sender.allowCoreThreadTimeOut(true);
        this.invalidationSender = sender;
        this.batches = new KvBatchOperations(requests, limits, host, rights);
    }

    // ---- single-key operations ----

    @Override
    public void get(GetRequest r, StreamObserver<GetResponse> out) {
        if (validKey(r.getKey(), out)) {
            byte[] key = r.getKey().toByteArray();
            ShardOp op = new ShardOp.Read(new Query.Get(key), KvProtos.consistency(r.getHeader().getConsistency()));
            serve(r.getKey(), op, r.getHeader(), out, outcome -> markHot(KvProtos.get(outcome), outcome, key, host));
        }
    }

    @Override
    public void put(PutRequest r, StreamObserver<PutResponse> out) {
        if (!validKey(r.getKey(), out) || !validTtl(r.getTtlMs(), out)) {
            return;
        }
        if (r.getValue().size() > limits.maxValueBytes()) {
            reply(out, PutResponse.newBuilder().setError(KvErrors.valueTooLarge(r.getValue().size(), limits.maxValueBytes())).build());
            return;
        }
        write(r.getKey(), new Command.Put(r.getKey().toByteArray(), r.getValue().toByteArray(), r.getTtlMs()),
                r.getHeader(), r.getSerializedSize(), out, KvProtos::put);
    }

    @Override
    public void delete(DeleteRequest r, StreamObserver<DeleteResponse> out) {
        if (validKey(r.getKey(), out)) {
            write(r.getKey(), new Command.Delete(r.getKey().toByteArray()), r.getHeader(), r.getSerializedSize(), out,
                    KvProtos::delete);
        }
    }

    @Override
    public void compareAndSet(CompareAndSetRequest r, StreamObserver<CompareAndSetResponse> out) {
        if (!validKey(r.getKey(), out) || !validTtl(r.getTtlMs(), out)) {
            return;
        }
        Command.Expectation expected = switch (r.getExpectedCase()) {
            case EXPECTED_VERSION -> new Command.Expectation.Version(r.getExpectedVersion());
            case EXPECTED_VALUE -> new Command.Expectation.Value(r.getExpectedValue().toByteArray());
            case EXPECT_ABSENT -> new Command.Expectation.Absent();
            default -> null;
        };
        if (expected == null) {
            out.onError(Status.INVALID_ARGUMENT
                    .withDescription("compare-and-set needs expected_version, expected_value or expect_absent").asException());
            return;
        }
        if (r.getNewValue().size() > limits.maxValueBytes()) {
            reply(out, CompareAndSetResponse.newBuilder()
                    .setError(KvErrors.valueTooLarge(r.getNewValue().size(), limits.maxValueBytes())).build());
            return;
        }
        write(r.getKey(), new Command.CompareAndSet(r.getKey().toByteArray(), expected, r.getNewValue().toByteArray(),
                r.getTtlMs()), r.getHeader(), r.getSerializedSize(), out, KvProtos::compareAndSet);
    }

    @Override
    public void touch(TouchRequest r, StreamObserver<TouchResponse> out) {
        if (validKey(r.getKey(), out) && validTtl(r.getTtlMs(), out)) {
            write(r.getKey(), new Command.Touch(r.getKey().toByteArray(), r.getTtlMs()), r.getHeader(),
                    r.getSerializedSize(), out, KvProtos::touch);
        }
    }

    /** Store to store: one write of any kind in the log's encoding, to the named shard. */
    @Override
    public void execute(ExecuteRequest r, StreamObserver<ExecuteResponse> out) {
        Command command;
        try {
            CommandBatch entry = CommandCodec.decodeEntry(r.getEntry().toByteArray());
            if (entry.commands().size() != 1 || entry.commands().get(0) instanceof Command.Expire
                    || entry.commands().get(0) instanceof Command.Evict
                    || entry.commands().get(0) instanceof Command.Split) {
                throw new MalformedMessageException("an execute request carries exactly one client command");
            }
            command = entry.commands().get(0);
        } catch (MalformedMessageException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
            return;
        }
        requests.submitToShard(r.getShardId(), new ShardOp.Write(command, r.getEntry().size()), routing(r.getHeader()))
                .thenAccept(outcome -> reply(out, KvProtos.execute(outcome)));
    }

    /** Store to store: one read of any kind in the shard's query encoding, from the named shard. */
    @Override
    public void query(QueryRequest r, StreamObserver<QueryResponse> out) {
        Query query;
        try {
            query = CommandCodec.decodeQuery(r.getQuery().toByteArray());
        } catch (MalformedMessageException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
            return;
        }
        ShardOp op = new ShardOp.Read(query, KvProtos.consistency(r.getHeader().getConsistency()));
        requests.submitToShard(r.getShardId(), op, routing(r.getHeader()))
                .thenAccept(outcome -> reply(out, KvProtos.query(outcome)));
    }

    @Override
    public void batchGet(BatchGetRequest r, StreamObserver<BatchGetResponse> out) {
        batches.batchGet(r, out);
    }

    @Override
    public void batchPut(BatchPutRequest r, StreamObserver<BatchPutResponse> out) {
        batches.batchPut(r, out);
    }

    @Override
    public void watchInvalidations(WatchInvalidationsRequest r, StreamObserver<Invalidation> out) {
        if (r.getShardIdsCount() == 0) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("shard_ids must name at least one shard").asException());
            return;
        }
        // The stream carries every key written in its shards: it needs read on the whole keyspace.
        if (!rights.allowed(new ShardOp.Read(new Query.Scan(new byte[0], 1), io.ringcache.node.core.Consistency.STALE), out)) {
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

    private <R> void write(ByteString key, Command command, RequestHeader header, int bytes, StreamObserver<R> out,
                           Function<ShardOutcome, R> reply) {
        serve(key, new ShardOp.Write(tagged(header, command), bytes), header, out, reply);
    }

    private <R> void serve(ByteString key, ShardOp op, RequestHeader header, StreamObserver<R> out,
                           Function<ShardOutcome, R> reply) {
        if (!rights.allowed(op, out)) {
            return;
        }
        requests.submit(key.toByteArray(), op, routing(header)).thenAccept(outcome -> reply(out, reply.apply(outcome)));
    }

    /**
     * The reply with {@code hot} set when the replica here that answered counts the key among its
     * most read ({@code HotKeys}); a reply forwarded from another store is not marked.
     */
    static GetResponse markHot(GetResponse reply, ShardOutcome outcome, byte[] key, ShardGroupHost host) {
        return markHot(reply, hotKeysOf(outcome, host), key);
    }

    /** The reply with {@code hot} set when {@code hotKeys} (the answering replica's, or null) holds the key hot. */
    static GetResponse markHot(GetResponse reply, io.ringcache.shard.core.HotKeys hotKeys, byte[] key) {
        return hotKeys != null && !reply.hasError() && hotKeys.isHot(key) ? reply.toBuilder().setHot(true).build() : reply;
    }

    /** The hot keys of the replica here that answered {@code outcome}; null when none here did. */
    static io.ringcache.shard.core.HotKeys hotKeysOf(ShardOutcome outcome, ShardGroupHost host) {
        if (host == null || !(outcome instanceof ShardOutcome.Answered a)) {
            return null;
        }
        return host.engine(a.shardId()).map(io.ringcache.shard.core.ShardEngine::hotKeys).orElse(null);
    }

    /** The caller's routing: its epoch and forward flag, and the time left before its deadline. */
    static Routing routing(RequestHeader header) {
        long budget = MAX_BUDGET_MILLIS;
        Deadline deadline = Context.current().getDeadline();
        if (deadline != null) {
            budget = Math.max(0, Math.min(budget, deadline.timeRemaining(TimeUnit.MILLISECONDS) - DEADLINE_MARGIN_MILLIS));
        }
        return new Routing(header.getEpoch(), header.getForward(), budget);
    }

    /**
     * The command tagged with the caller's client id and sequence (when it gave one), so the
     * shard applies a retried write once.
     */
    static Command tagged(RequestHeader header, Command command) {
        return header.getClientId() == 0 ? command
                : new Command.Tagged(header.getClientId(), header.getSequence(), command);
    }

    static boolean validKey(ByteString key, StreamObserver<?> out) {
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
