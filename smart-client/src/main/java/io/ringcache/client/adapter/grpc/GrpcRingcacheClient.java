package io.ringcache.client.adapter.grpc;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.MeterRegistry;
import io.ringcache.client.CasResult;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.RingcacheException;
import io.ringcache.client.Versioned;
import io.ringcache.client.adapter.metrics.ClientMetrics;
import io.ringcache.client.core.Arguments;
import io.ringcache.client.core.KeyGroups;
import io.ringcache.client.core.HotKeyMarks;
import io.ringcache.client.core.RouteTable;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.CompareAndSetRequest;
import io.ringcache.proto.v1.CompareAndSetResponse;
import io.ringcache.proto.v1.DeleteRequest;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KeyValueWrite;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.RequestHeader;
import io.ringcache.proto.v1.TouchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The SDK over gRPC: one channel per store, requests routed by the partition map straight to
 * the shard's leader (or any replica for follower and stale reads) through {@link ShardCalls},
 * single gets and puts coalesced per store ({@link ReadLane}, {@link WriteLane}), writes tagged
 * with this client's id and a sequence number that every retry of the write reuses.
 */
public final class GrpcRingcacheClient implements RingcacheClient {

    private final ClientChannels channels;
    /** The client's TLS (owned: closed with the client), or null for plaintext. */
    private final io.ringcache.transport.TransportTls tls;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ringcache-client-timer");
        t.setDaemon(true);
        return t;
    });
    private final long requestTimeoutNanos;
    private final long clientId;
    private final boolean coalescing;
    private final AtomicLong sequences = new AtomicLong();
    private final ClientMetrics metrics;
    private final PlacementWatcher watcher;
    private final ShardCalls calls;
    private final Resender resender;
    private final Map<String, ReadLane> readLanes = new ConcurrentHashMap<>();
    private final Map<String, WriteLane> writeLanes = new ConcurrentHashMap<>();
    /** The near cache's read path; null when neither near cache is on. */
    private final NearReads near;
    private final io.ringcache.client.core.GetOrLoad getOrLoad = ClientGetOrLoad.of(this);
    /** Keys the stores marked hot; null when nothing uses the marks. */
    private final HotKeyMarks hotMarks;
    /** Whether linearizable reads of marked keys go to any replica as follower reads. */
    private final boolean hotFollowerReads;
    private volatile boolean closed;

    private GrpcRingcacheClient(List<String> pds, Duration requestTimeout, Duration attemptTimeout, MeterRegistry meters, long clientId,
                                boolean coalescing, NearCacheSettings nearCache, boolean hotKeyReads,
                                io.ringcache.transport.TransportTls tls, String authorization) {
        this.tls = tls;
        this.channels = new ClientChannels(tls, authorization);
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.hotFollowerReads = hotKeyReads;
        this.hotMarks = hotKeyReads || nearCache != null && nearCache.hotKeysOnly() ? new HotKeyMarks() : null;
        this.clientId = clientId;
        this.coalescing = coalescing;
        this.metrics = new ClientMetrics(meters);
        this.watcher = new PlacementWatcher(pds, channels, timer, metrics::refresh);
        this.calls = new ShardCalls(watcher, timer, metrics::retry, metrics::attempts, attemptTimeout.toNanos());
        this.resender = new Resender(watcher, this::stub, timer, metrics::retry, attemptTimeout.toNanos());
        this.near = nearCache == null ? null : new NearReads(nearCache, hotMarks, watcher, channels, calls, metrics);
    }

    /**
     * @param attemptTimeout the most one attempt (one RPC to one store) may take before the call tries another replica
     * @param nearCache   the near cache's bounds and scope (every stale read, or hot keys only), or null for none
     * @param hotKeyReads linearizable reads of keys the stores mark hot go to any replica as follower reads
     * @param tls         TLS for every connection (the client takes ownership), or null for plaintext
     * @param authorization the {@code authorization} metadata every call carries (Basic or Bearer), or null
     */
    public static GrpcRingcacheClient connect(List<String> pds, Duration requestTimeout, Duration attemptTimeout,
                                              Duration connectTimeout,
                                              MeterRegistry meters, long clientId, boolean coalescing,
                                              NearCacheSettings nearCache, boolean hotKeyReads,
                                              io.ringcache.transport.TransportTls tls, String authorization) {
        GrpcRingcacheClient c = new GrpcRingcacheClient(pds, requestTimeout, attemptTimeout, meters, clientId, coalescing,
                nearCache, hotKeyReads, tls, authorization);
        try {
            c.watcher.start(connectTimeout.toMillis());
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The store address streaming near-cache invalidations for the shard owning {@code key}, if any. */
    public Optional<String> nearCacheSource(byte[] key) {
        return near == null ? Optional.empty() : near.sourceOf(watcher.table().shardOf(key));
    }

    /** How many shards the near cache has an invalidation stream for (for tests and diagnostics). */
    public int nearCacheSubscriptions() {
        return near == null ? 0 : near.subscriptions();
    }

    /** The partition-map epoch this client routes with (for tests and diagnostics). */
    public long mapEpoch() {
        return watcher.table().epoch();
    }

    // ---- reads ----

    @Override
    public CompletableFuture<Optional<Versioned>> getAsync(byte[] key, ReadOptions asked) {
        return timed("get", () -> {
            Arguments.checkKey(key);
            int shard = watcher.table().shardOf(key);
            // A key a store marked hot: read it linearizably from any replica (HotKeyMarks).
            ReadOptions options = hotFollowerReads && asked.consistency() == ReadOptions.Consistency.LINEARIZABLE
                    && hotMarks.isHot(key, System.nanoTime()) ? ReadOptions.follower() : asked;
            ShardCalls.Routing routing = options.consistency() == ReadOptions.Consistency.LINEARIZABLE
                    ? ShardCalls.Routing.LEADER : ShardCalls.Routing.ANY_REPLICA;
            ByteString k = ByteString.copyFrom(key);
            if (near != null && near.serves(key, options)) {
                return near.read(key, k, shard, options, deadline());
            }
            return calls.run(shard, routing, deadline(), "get of shard " + shard, t -> {
                RequestHeader h = ClientWire.readHeader(t, options);
                if (coalescing) {
                    return readLane(t.address(), h).submitAll(List.of(k), t.epoch(), t.attemptDeadlineNanos())
                            .thenApply(results -> readOutcome(shard, noteHot(key, results.get(0))));
                }
                return ClientWire.listen(stub(t.address()).withDeadlineAfter(t.remainingMillis(), TimeUnit.MILLISECONDS)
                        .get(GetRequest.newBuilder().setHeader(h).setKey(k).build()))
                        .thenApply(r -> readOutcome(shard, noteHot(key, r)));
            });
        });
    }

    private GetResponse noteHot(byte[] key, GetResponse r) {
        if (r.getHot() && hotMarks != null) {
            hotMarks.marked(key, System.nanoTime());
        }
        return r;
    }

    private static ShardCalls.Outcome<Optional<Versioned>> readOutcome(int shard, GetResponse r) {
        return r.hasError() ? ShardCalls.Outcome.failed(WireErrors.of(shard, r.getError()))
                : ShardCalls.Outcome.ok(ClientWire.value(r.getFound(), r.getValue()));
    }

    /**
     * With a near cache, evicts {@code key} once the write ends either way (version from the
     * answer, or 0 when unknown); without one, adds nothing to the write's path.
     */
    private <T> CompletableFuture<T> evicting(CompletableFuture<T> write, byte[] key, java.util.function.ToLongFunction<T> version) {
        if (near == null) {
            return write;
        }
        return write.whenComplete((v, e) -> wrote(key, v == null ? 0 : version.applyAsLong(v)));
    }

    /** This client's own write ended: the near cache forgets the key ({@link NearReads#wrote}). */
    private void wrote(byte[] key, long version) {
        if (near != null) {
            near.wrote(key, version);
        }
    }

    @Override
    public CompletableFuture<List<Optional<Versioned>>> getAllAsync(List<byte[]> keys, ReadOptions options) {
        return timed("get_all", () -> {
            keys.forEach(Arguments::checkKey);
            List<Optional<Versioned>> out = new ArrayList<>(java.util.Collections.nCopies(keys.size(), Optional.empty()));
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            long deadline = deadline();
            ShardCalls.Routing routing = options.consistency() == ReadOptions.Consistency.LINEARIZABLE
                    ? ShardCalls.Routing.LEADER : ShardCalls.Routing.ANY_REPLICA;
            for (var part : KeyGroups.byShard(watcher.table(), keys).entrySet()) {
                int shard = part.getKey();
                List<Integer> at = part.getValue();
                List<ByteString> partKeys = new ArrayList<>(at.size());
                at.forEach(i -> partKeys.add(ByteString.copyFrom(keys.get(i))));
                parts.add(calls.run(shard, routing, deadline, "get of " + at.size() + " keys in shard " + shard, t -> {
                    RequestHeader h = ClientWire.readHeader(t, options);
                    CompletableFuture<List<GetResponse>> sent = coalescing
                            ? readLane(t.address(), h).submitAll(partKeys, t.epoch(), t.attemptDeadlineNanos())
                            : ClientWire.listen(stub(t.address()).withDeadlineAfter(t.remainingMillis(), TimeUnit.MILLISECONDS)
                                    .batchGet(BatchGetRequest.newBuilder().setHeader(h).addAllKeys(partKeys).build()))
                                    .thenApply(BatchGetResponse::getResultsList);
                    return sent.thenApply(results -> {
                        List<Optional<Versioned>> values = new ArrayList<>(results.size());
                        for (GetResponse g : results) {
                            if (g.hasError()) {
                                return ShardCalls.Outcome.<List<Optional<Versioned>>>failed(WireErrors.of(shard, g.getError()));
                            }
                            values.add(ClientWire.value(g.getFound(), g.getValue()));
                        }
                        return ShardCalls.Outcome.ok(values);
                    });
                }).thenAccept(values -> {
                    for (int i = 0; i < at.size(); i++) {
                        out.set(at.get(i), values.get(i));
                    }
                }));
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> out);
        });
    }

    // ---- writes ----

    @Override
    public CompletableFuture<Long> putAsync(byte[] key, byte[] value, Duration ttl) {
        return timed("put", () -> {
            Arguments.checkKey(key);
            Arguments.checkValue(value);
            KeyValueWrite write = KeyValueWrite.newBuilder().setKey(ByteString.copyFrom(key))
                    .setValue(ByteString.copyFrom(value)).setTtlMs(Arguments.ttlMillis(ttl)).build();
            int shard = watcher.table().shardOf(key);
            if (!coalescing) {
                return evicting(putAll(List.of(write), shard, deadline()).thenApply(v -> v.get(0)), key, v -> v);
            }
            long[] aloneSequence = new long[1];
            return evicting(calls.run(shard, ShardCalls.Routing.LEADER, deadline(), "put in shard " + shard, t ->
                    coalescedOrAlone(t, List.of(write), aloneSequence)
                            .thenApply(results -> {
                                PutResponse r = results.get(0);
                                return r.hasError() ? ShardCalls.Outcome.<Long>failed(WireErrors.of(shard, r.getError()))
                                        : ShardCalls.Outcome.ok(r.getVersion());
                            })), key, v -> v);
        });
    }

    @Override
    public CompletableFuture<List<Long>> putAllAsync(List<Map.Entry<byte[], byte[]>> entries, Duration ttl) {
        return timed("put_all", () -> {
            List<byte[]> keys = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : entries) {
                Arguments.checkKey(e.getKey());
                Arguments.checkValue(e.getValue());
                keys.add(e.getKey());
            }
            long ttlMs = Arguments.ttlMillis(ttl);
            long deadline = deadline();
            List<Long> out = new ArrayList<>(java.util.Collections.nCopies(entries.size(), 0L));
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            for (var part : KeyGroups.byShard(watcher.table(), keys).entrySet()) {
                List<KeyValueWrite> writes = new ArrayList<>();
                for (int i : part.getValue()) {
                    writes.add(KeyValueWrite.newBuilder().setKey(ByteString.copyFrom(entries.get(i).getKey()))
                            .setValue(ByteString.copyFrom(entries.get(i).getValue())).setTtlMs(ttlMs).build());
                }
                parts.add(putAll(writes, part.getKey(), deadline).thenAccept(versions -> {
                    for (int i = 0; i < versions.size(); i++) {
                        out.set(part.getValue().get(i), versions.get(i));
                        wrote(entries.get(part.getValue().get(i)).getKey(), versions.get(i));
                    }
                }));
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> out);
        });
    }

    /**
     * One shard's writes as one atomic part: coalesced with other callers' writes for the same
     * store (the lane keeps the part whole), or alone as one BatchPut with one sequence number for
     * all its attempts.
     */
    private CompletableFuture<List<Long>> putAll(List<KeyValueWrite> writes, int shard, long deadline) {
        if (coalescing) {
            long[] aloneSequence = new long[1];
            return calls.run(shard, ShardCalls.Routing.LEADER, deadline, "put of " + writes.size() + " keys in shard " + shard,
                    t -> coalescedOrAlone(t, writes, aloneSequence).thenApply(results -> versions(shard, results)));
        }
        long seq = sequences.incrementAndGet();
        return calls.run(shard, ShardCalls.Routing.LEADER, deadline, "put of " + writes.size() + " keys in shard " + shard, t -> {
            BatchPutRequest request = BatchPutRequest.newBuilder().setHeader(writeHeader(t, seq)).addAllEntries(writes).build();
            return resender.send(t.address(), stub(t.address()), request, t.callDeadlineNanos())
                    .thenApply(resp -> versions(shard, resp.getResultsList()));
        });
    }

    /** A part's versions, or its first error (a shard part is applied or refused as a whole). */
    private static ShardCalls.Outcome<List<Long>> versions(int shard, List<PutResponse> results) {
        List<Long> versions = new ArrayList<>(results.size());
        for (PutResponse r : results) {
            if (r.hasError()) {
                return ShardCalls.Outcome.failed(WireErrors.of(shard, r.getError()));
            }
            versions.add(r.getVersion());
        }
        return ShardCalls.Outcome.ok(versions);
    }

    @Override
    public CompletableFuture<Boolean> deleteAsync(byte[] key) {
        return timed("delete", () -> {
            Arguments.checkKey(key);
            int shard = watcher.table().shardOf(key);
            long seq = sequences.incrementAndGet();
            ByteString k = ByteString.copyFrom(key);
            return evicting(calls.run(shard, ShardCalls.Routing.LEADER, deadline(), "delete in shard " + shard, t ->
                    ClientWire.listen(stub(t.address()).withDeadlineAfter(t.remainingMillis(), TimeUnit.MILLISECONDS)
                            .delete(DeleteRequest.newBuilder().setHeader(writeHeader(t, seq)).setKey(k).build()))
                            .thenApply(r -> ClientWire.outcome(shard, r.hasError() ? r.getError() : null, r.getDeleted()))), key, v -> 0);
        });
    }

    @Override
    public CompletableFuture<CasResult> compareAndSetAsync(byte[] key, long expectedVersion, byte[] newValue, Duration ttl) {
        return cas("compare_and_set", key, newValue, ttl, b -> b.setExpectedVersion(expectedVersion));
    }

    @Override
    public CompletableFuture<CasResult> compareAndSetValueAsync(byte[] key, byte[] expectedValue, byte[] newValue,
                                                                Duration ttl) {
        if (expectedValue == null) {
            return CompletableFuture.failedFuture(Arguments.invalid("the expected value must not be null"));
        }
        return cas("compare_and_set", key, newValue, ttl, b -> b.setExpectedValue(ByteString.copyFrom(expectedValue)));
    }

    @Override
    public CompletableFuture<CasResult> putIfAbsentAsync(byte[] key, byte[] value, Duration ttl) {
        return cas("put_if_absent", key, value, ttl, b -> b.setExpectAbsent(true));
    }

    private CompletableFuture<CasResult> cas(String op, byte[] key, byte[] newValue, Duration ttl,
                                             Function<CompareAndSetRequest.Builder, CompareAndSetRequest.Builder> expect) {
        return timed(op, () -> {
            Arguments.checkKey(key);
            Arguments.checkValue(newValue);
            int shard = watcher.table().shardOf(key);
            long seq = sequences.incrementAndGet();
            CompareAndSetRequest.Builder base = expect.apply(CompareAndSetRequest.newBuilder()
                    .setKey(ByteString.copyFrom(key)).setNewValue(ByteString.copyFrom(newValue)).setTtlMs(Arguments.ttlMillis(ttl)));
            return evicting(calls.run(shard, ShardCalls.Routing.LEADER, deadline(), op + " in shard " + shard, t ->
                    ClientWire.listen(stub(t.address()).withDeadlineAfter(t.remainingMillis(), TimeUnit.MILLISECONDS)
                            .compareAndSet(base.clone().setHeader(writeHeader(t, seq)).build()))
                            .thenApply(r -> ClientWire.outcome(shard, r.hasError() ? r.getError() : null, cas(r)))), key,
                    v -> v.succeeded() ? v.version() : 0);
        });
    }

    private static CasResult cas(CompareAndSetResponse r) {
        return r.getSucceeded() ? new CasResult(true, r.getVersion(), Optional.empty())
                : new CasResult(false, 0, ClientWire.value(r.getFound(), r.getCurrent()));
    }

    @Override
    public CompletableFuture<Boolean> touchAsync(byte[] key, Duration ttl) {
        return timed("touch", () -> {
            Arguments.checkKey(key);
            int shard = watcher.table().shardOf(key);
            long seq = sequences.incrementAndGet();
            ByteString k = ByteString.copyFrom(key);
            long ttlMs = Arguments.ttlMillis(ttl);
            return evicting(calls.run(shard, ShardCalls.Routing.LEADER, deadline(), "touch in shard " + shard, t ->
                    ClientWire.listen(stub(t.address()).withDeadlineAfter(t.remainingMillis(), TimeUnit.MILLISECONDS)
                            .touch(TouchRequest.newBuilder().setHeader(writeHeader(t, seq)).setKey(k).setTtlMs(ttlMs).build()))
                            .thenApply(r -> ClientWire.outcome(shard, r.hasError() ? r.getError() : null, r.getFound()))), key, v -> 0);
        });
    }

    // ---- plumbing ----

    private interface Op<T> {
        CompletableFuture<T> start();
    }

    /** Runs an operation, timing it and turning argument errors into failed futures. */
    private <T> CompletableFuture<T> timed(String op, Op<T> body) {
        if (closed) {
            return CompletableFuture.failedFuture(new RingcacheException.Closed());
        }
        long start = System.nanoTime();
        CompletableFuture<T> f;
        try {
            f = body.start();
        } catch (RingcacheException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.whenComplete((v, e) -> metrics.record(op, e == null ? "ok" : kind(e), System.nanoTime() - start));
    }

    /**
     * One attempt of one call's writes: coalesced in the store's write lane, or, once the call met
     * a split's refusal ({@link ShardCalls.Target#alone}), in a BatchPut of its own, so that no
     * other caller's moved key gets it refused again. Every attempt sent alone carries the same
     * sequence ({@code aloneSequence}, drawn by the first), so a resend after an ambiguous failure
     * applies once; the lane's earlier attempts were refused outright, so a new one is safe.
     */
    private CompletableFuture<List<PutResponse>> coalescedOrAlone(ShardCalls.Target t, List<KeyValueWrite> writes,
                                                                  long[] aloneSequence) {
        if (!t.alone()) {
            return writeLane(t.address(), t.forward()).submitAll(writes, t.epoch(), t.callDeadlineNanos());
        }
        if (aloneSequence[0] == 0) {
            aloneSequence[0] = sequences.incrementAndGet();
        }
        BatchPutRequest request = BatchPutRequest.newBuilder().setHeader(writeHeader(t, aloneSequence[0])).addAllEntries(writes).build();
        return resender.send(t.address(), stub(t.address()), request, t.callDeadlineNanos())
                .thenApply(io.ringcache.proto.v1.BatchPutResponse::getResultsList);
    }

    private static String kind(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return c instanceof RingcacheException ? c.getClass().getSimpleName().toLowerCase() : "error";
    }

    private RequestHeader writeHeader(ShardCalls.Target t, long seq) {
        return RequestHeader.newBuilder().setEpoch(t.epoch()).setForward(t.forward()).setClientId(clientId)
                .setSequence(seq).build();
    }

    private ReadLane readLane(String address, RequestHeader h) {
        String key = address + "|" + h.getConsistency().getNumber() + "|" + h.getMaxStalenessMs() + "|" + h.getForward();
        RequestHeader shape = h.toBuilder().clearEpoch().build();
        return readLanes.computeIfAbsent(key, k -> new ReadLane(stub(address), shape));
    }

    private WriteLane writeLane(String address, boolean forward) {
        return writeLanes.computeIfAbsent(address + "|" + forward, k -> new WriteLane(address,
                stub(address), clientId, sequences::incrementAndGet, forward ? this::forwarded : resender));
    }

    /** A lane for forwarded writes sets the flag on each batch before handing it to the resender. */
    private CompletableFuture<io.ringcache.proto.v1.BatchPutResponse> forwarded(String address, KvGrpc.KvFutureStub stub,
                                                                               BatchPutRequest r, long deadline) {
        return resender.send(address, stub, r.toBuilder().setHeader(r.getHeader().toBuilder().setForward(true)).build(),
                deadline);
    }

    private KvGrpc.KvFutureStub stub(String address) {
        return KvGrpc.newFutureStub(channels.to(address));
    }

    private long deadline() {
        return System.nanoTime() + requestTimeoutNanos;
    }

    @Override
    public CompletableFuture<Optional<Versioned>> getOrLoadAsync(byte[] key,
            java.util.function.Function<byte[], CompletableFuture<byte[]>> loader, Duration ttl, double ttlJitter) {
        return getOrLoad.getOrLoad(key, loader, ttl, ttlJitter);
    }

    @Override
    public Optional<Versioned> getOrLoad(byte[] key, java.util.function.Function<byte[], byte[]> loader, Duration ttl,
                                         double ttlJitter) {
        Optional<Versioned> cached = get(key);
        return cached.isPresent() ? cached : RingcacheClient.await(getOrLoad.loadMissing(key,
                loader == null ? null : k -> CompletableFuture.completedFuture(loader.apply(k)), ttl, ttlJitter));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (near != null) {
            near.close();
        }
        watcher.close();
        timer.shutdownNow();
        channels.close();
        if (tls != null) {
            tls.close();
        }
    }

    @Override
    public String toString() {
        RouteTable t = watcher.table();
        return "RingcacheClient{client " + Long.toHexString(clientId) + ", map epoch " + (t == null ? 0 : t.epoch())
                + ", " + Arrays.toString(new int[] {readLanes.size(), writeLanes.size()}) + " lanes}";
    }
}
