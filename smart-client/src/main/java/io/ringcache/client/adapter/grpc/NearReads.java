package io.ringcache.client.adapter.grpc;

import com.google.protobuf.ByteString;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.Versioned;
import io.ringcache.client.adapter.metrics.ClientMetrics;
import io.ringcache.client.core.HotKeyMarks;
import io.ringcache.client.core.NearCache;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KvGrpc;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's near-cache read path: a stale-allowed read is answered from this process when the
 * {@link NearCache} holds an entry young enough for both the cache's bound and the read's;
 * otherwise one Get goes to any replica, and its reply is kept when the cache's put rule allows
 * (the reply carries the replica's applied index from before the read).
 *
 * <p>Two scopes ({@link NearCacheSettings#hotKeysOnly}):
 * <ul>
 *   <li><b>every stale read</b> ({@code RingcacheClientBuilder.nearCache}): an invalidation stream
 *       is opened for each shard the client reads stale;</li>
 *   <li><b>hot keys only</b> (the default, {@code RingcacheClientBuilder.hotKeyNearCache}): only
 *       keys a store's reply marked hot ({@link HotKeyMarks}) are read through the cache, so streams
 *       open only for shards holding a hot key, and a workload without hot keys pays nothing.</li>
 * </ul>
 * Either way linearizable and follower reads never use the cache: its entries are only as fresh as
 * the invalidation stream, which a linearizable read cannot accept.
 *
 * <p>A cached hot key stops reaching the stores, so their counts of it fade, the mark lapses after
 * {@link HotKeyMarks#HOLD_NANOS} without renewal, and the key's reads go to the stores again until
 * a reply marks it anew: a still-hot key leaves the cache for about as long as the store takes to
 * count it hot again (a few thousand reads).
 */
final class NearReads implements AutoCloseable {

    private final NearCache cache;
    private final InvalidationSubscriber invalidations;
    /** The marks deciding which keys are cached; null when every stale read is. */
    private final HotKeyMarks onlyMarked;
    private final PlacementWatcher watcher;
    private final ClientChannels channels;
    private final ShardCalls calls;
    private final ClientMetrics metrics;

    /** @param marks the client's hot-key marks (used only when {@code settings.hotKeysOnly()}) */
    NearReads(NearCacheSettings settings, HotKeyMarks marks, PlacementWatcher watcher, ClientChannels channels, ShardCalls calls,
              ClientMetrics metrics) {
        this.cache = new NearCache(settings.maxEntries(), settings.maxBytes(), settings.staleness().toNanos());
        this.onlyMarked = settings.hotKeysOnly() ? marks : null;
        this.watcher = watcher;
        this.channels = channels;
        this.calls = calls;
        this.metrics = metrics;
        this.invalidations = new InvalidationSubscriber(cache, shard -> watcher.table().replicaAddresses(shard),
                channels::to);
    }

    /** Whether a read of {@code key} with {@code options} goes through the cache. */
    boolean serves(byte[] key, ReadOptions options) {
        return options.consistency() == ReadOptions.Consistency.STALE
                && (onlyMarked == null || onlyMarked.isHot(key, System.nanoTime()));
    }

    /** A read {@link #serves} accepted: a fresh enough hit, else one uncoalesced Get to any replica. */
    CompletableFuture<Optional<Versioned>> read(byte[] key, ByteString k, int shard, ReadOptions options,
                                                long deadlineNanos) {
        NearCache.Entry hit = cache.fresh(key, System.nanoTime(), options.maxStaleness().toNanos());
        if (hit != null) {
            metrics.nearCache(true);
            return CompletableFuture.completedFuture(Optional.of(new Versioned(hit.value(), hit.version(), 0)));
        }
        metrics.nearCache(false);
        invalidations.watch(shard);
        return calls.run(shard, ShardCalls.Routing.ANY_REPLICA, deadlineNanos, "get of shard " + shard, t -> {
            long sentAt = System.nanoTime();
            GetRequest request = GetRequest.newBuilder().setHeader(ClientWire.readHeader(t, options)).setKey(k).build();
            return ClientWire.listen(KvGrpc.newFutureStub(channels.to(t.address()))
                            .withDeadlineAfter(t.remainingMillis(), TimeUnit.MILLISECONDS).get(request))
                    .thenApply(r -> reply(shard, key, r, sentAt));
        });
    }

    private ShardCalls.Outcome<Optional<Versioned>> reply(int shard, byte[] key, GetResponse r, long sentAt) {
        if (r.hasError()) {
            return ShardCalls.Outcome.failed(WireErrors.of(shard, r.getError()));
        }
        long now = System.nanoTime();
        if (r.getHot() && onlyMarked != null) {
            onlyMarked.marked(key, now);
        }
        // A value with a TTL is not kept: the cache has no clock to expire it with.
        if (r.getFound() && r.getValue().getExpiresAtUnixMs() == 0) {
            cache.put(shard, key, r.getValue().getValue().toByteArray(), r.getValue().getVersion(),
                    r.getHeader().getAppliedIndex(), sentAt, now);
        }
        return ShardCalls.Outcome.ok(ClientWire.value(r.getFound(), r.getValue()));
    }

    /**
     * This client's own write of {@code key} ended (read your writes): the cache forgets the key
     * ({@link NearCache#wroteLocally}); {@code version} is 0 when unknown.
     */
    void wrote(byte[] key, long version) {
        cache.wroteLocally(watcher.table().shardOf(key), key, version);
    }

    /** The store streaming invalidations for {@code shard}, if a stream is open. */
    Optional<String> sourceOf(int shard) {
        return invalidations.sourceOf(shard);
    }

    /** How many shards have an invalidation stream (opened or opening). */
    int subscriptions() {
        return invalidations.subscribedShards().size();
    }

    @Override
    public void close() {
        invalidations.close();
    }
}
