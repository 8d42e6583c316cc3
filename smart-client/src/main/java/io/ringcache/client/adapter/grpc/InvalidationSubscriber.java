package io.ringcache.client.adapter.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ringcache.client.core.NearCache;
import io.ringcache.proto.v1.Invalidation;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.WatchInvalidationsRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link NearCache} from the stores' {@code WatchInvalidations} streams.
 *
 * <p>For each watched shard it picks a replica's store ({@code replicaAddressesOfShard}) and
 * subscribes there; shards that become due together and pick the same store share one stream.
 * The first message of a shard on a stream opens it in the cache ({@link NearCache#streamOpened}:
 * the store guarantees every later change follows); later messages invalidate keys or, with
 * {@code all}, reset the shard. When a stream fails or ends, for whatever reason (shard moved or
 * removed, store down, too slow, cancelled), every shard on it is dropped from the cache
 * <em>before</em> anything else happens, then resubscribed with exponential backoff (with jitter),
 * each retry trying the shard's next replica, so a moved shard is found where it now lives.
 *
 * <p>A stream that silently stalls without failing is not detected here (configure keepalive on
 * the channels); the near cache's staleness bound still caps what such a stall can cost.
 */
public final class InvalidationSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InvalidationSubscriber.class);
    /** Watches arriving this close together share a stream. */
    static final long BATCH_DELAY_MILLIS = 5;

    private final NearCache cache;
    private final Function<Integer, List<String>> replicaAddressesOfShard;
    private final Function<String, Channel> channelFor;
    private final long minBackoffMillis;
    private final long maxBackoffMillis;
    private final ScheduledExecutorService scheduler;

    // Guarded by this.
    private final Set<Integer> watched = new HashSet<>();
    private final Map<Integer, Watch> streamOf = new HashMap<>();
    /** Shards to subscribe, with the earliest time (System.nanoTime) to try. */
    private final Map<Integer, Long> due = new LinkedHashMap<>();
    private final Map<Integer, Integer> failures = new HashMap<>();
    private boolean reconcileScheduled;
    private boolean closed;
    /** Whether the stores' refusal of the streams (auth: no read on every key) was logged already. */
    private boolean deniedLogged;
    /** How long to wait before asking again after the stores refused a stream for lack of rights. */
    static final long DENIED_RETRY_MILLIS = 60_000;

    public InvalidationSubscriber(NearCache cache, Function<Integer, List<String>> replicaAddressesOfShard,
                                  Function<String, Channel> channelFor) {
        this(cache, replicaAddressesOfShard, channelFor, 100, 5_000);
    }

    /**
     * @param replicaAddressesOfShard the gRPC addresses of the stores holding a replica of a shard
     *                                (any replica can serve the stream); empty when unknown
     * @param channelFor              the channel to a store's gRPC address
     * @param minBackoffMillis        the first resubscribe delay after a failure, doubled per failure
     * @param maxBackoffMillis        the longest resubscribe delay
     */
    public InvalidationSubscriber(NearCache cache, Function<Integer, List<String>> replicaAddressesOfShard,
                                  Function<String, Channel> channelFor, long minBackoffMillis, long maxBackoffMillis) {
        this.cache = cache;
        this.replicaAddressesOfShard = replicaAddressesOfShard;
        this.channelFor = channelFor;
        this.minBackoffMillis = minBackoffMillis;
        this.maxBackoffMillis = maxBackoffMillis;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ringcache-invalidation-subscriber");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Keeps {@code shard} subscribed from now on. Idempotent and cheap: call it before every
     * near-cache put (the put is refused until the shard's stream has opened).
     */
    public void watch(int shard) {
        synchronized (this) {
            if (closed || !watched.add(shard)) {
                return;
            }
            due.put(shard, System.nanoTime());
        }
        scheduleReconcile(BATCH_DELAY_MILLIS);
    }

    /** Stops resubscribing {@code shard} and drops it from the cache (its stream, if shared, goes on). */
    public void unwatch(int shard) {
        synchronized (this) {
            watched.remove(shard);
            due.remove(shard);
            failures.remove(shard);
        }
        cache.dropShard(shard);
    }

    /** The store address whose stream currently covers {@code shard}, if any (diagnostics, tests). */
    public synchronized java.util.Optional<String> sourceOf(int shard) {
        Watch w = streamOf.get(shard);
        return w == null ? java.util.Optional.empty() : java.util.Optional.of(w.address);
    }

    /** Shards currently on a stream (opened or opening). */
    public synchronized Set<Integer> subscribedShards() {
        return new HashSet<>(streamOf.keySet());
    }

    private void scheduleReconcile(long delayMillis) {
        synchronized (this) {
            if (closed || reconcileScheduled) {
                return;
            }
            reconcileScheduled = true;
        }
        scheduler.schedule(this::reconcile, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Subscribes the shards that are due, one stream per store; reschedules itself for later ones. */
    private void reconcile() {
        Map<String, List<Integer>> byStore = new LinkedHashMap<>();
        List<Watch> starting = new ArrayList<>();
        long nextDue = Long.MAX_VALUE;
        synchronized (this) {
            reconcileScheduled = false;
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            for (var it = due.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                int shard = e.getKey();
                if (e.getValue() - now > 0) {
                    nextDue = Math.min(nextDue, e.getValue());
                    continue;
                }
                String address = pick(shard);
                if (address == null) {
                    long retry = now + TimeUnit.MILLISECONDS.toNanos(backoff(failures.merge(shard, 1, Integer::sum)));
                    e.setValue(retry);
                    nextDue = Math.min(nextDue, retry);
                    continue;
                }
                it.remove();
                byStore.computeIfAbsent(address, a -> new ArrayList<>()).add(shard);
            }
            for (var e : byStore.entrySet()) {
                Watch w = new Watch(e.getKey(), e.getValue());
                for (int shard : e.getValue()) {
                    streamOf.put(shard, w);
                }
                starting.add(w);
            }
        }
        for (Watch w : starting) {
            w.start();
        }
        if (nextDue != Long.MAX_VALUE) {
            scheduleReconcile(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextDue - System.nanoTime())));
        }
    }

    /** The store to watch {@code shard} on: its replicas in turn, one further per failure. */
    private String pick(int shard) {
        List<String> replicas;
        try {
            replicas = replicaAddressesOfShard.apply(shard);
        } catch (RuntimeException e) {
            LOG.debug("no replicas known for shard {}", shard, e);
            return null;
        }
        if (replicas == null || replicas.isEmpty()) {
            return null;
        }
        return replicas.get(Math.floorMod(failures.getOrDefault(shard, 0), replicas.size()));
    }

    private long backoff(int failureCount) {
        long base = minBackoffMillis << Math.min(20, Math.max(0, failureCount - 1));
        long capped = Math.min(maxBackoffMillis, base);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1); // jitter: 50-100 %
    }

    /** A stream ended: drop its shards first, then schedule their resubscription. */
    private void ended(Watch w, Status status) {
        for (int shard : w.shards) {
            cache.dropShard(shard);
        }
        long soonest = Long.MAX_VALUE;
        // With auth on, the streams need read on every key; a user without it reads through the
        // stores (no near cache), asks again rarely, and is told once.
        boolean denied = status.getCode() == Status.Code.PERMISSION_DENIED || status.getCode() == Status.Code.UNAUTHENTICATED;
        boolean firstDenial;
        synchronized (this) {
            firstDenial = denied && !deniedLogged;
            deniedLogged |= denied;
            long now = System.nanoTime();
            for (int shard : w.shards) {
                if (streamOf.get(shard) == w) {
                    streamOf.remove(shard);
                }
                if (!closed && watched.contains(shard) && !streamOf.containsKey(shard)) {
                    long delay = denied ? DENIED_RETRY_MILLIS : backoff(failures.merge(shard, 1, Integer::sum));
                    due.put(shard, now + TimeUnit.MILLISECONDS.toNanos(delay));
                    soonest = Math.min(soonest, delay);
                }
            }
        }
        if (firstDenial) {
            LOG.warn("the stores refuse invalidation streams ({}): the near cache needs read permission on every key;"
                    + " reads go to the stores instead", status.getDescription());
        } else if (!denied && (status.getCode() != Status.Code.CANCELLED || !closed)) {
            LOG.info("invalidation stream to {} for shards {} ended ({}); near cache dropped them", w.address,
                    w.shards, status);
        }
        if (soonest != Long.MAX_VALUE) {
            scheduleReconcile(soonest);
        }
    }

    private synchronized void shardOpened(int shard) {
        failures.remove(shard);
    }

    @Override
    public void close() {
        List<Watch> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(new HashSet<>(streamOf.values()));
            due.clear();
        }
        for (Watch w : open) {
            w.cancel();
        }
        scheduler.shutdownNow();
    }

    /**
     * True once closed and the scheduler's last task has ended: every subscription is made by a
     * scheduled reconcile, so from then on nothing subscribes again (for tests).
     */
    synchronized boolean stopped() {
        return closed && scheduler.isTerminated();
    }

    /** One {@code WatchInvalidations} call to one store. Callbacks are serialized by gRPC. */
    private final class Watch implements ClientResponseObserver<WatchInvalidationsRequest, Invalidation> {
        final String address;
        final List<Integer> shards;
        /** Shards whose first message arrived (touched only on gRPC's serialized callbacks). */
        private final Set<Integer> opened = new HashSet<>();
        private volatile ClientCallStreamObserver<WatchInvalidationsRequest> call;
        private volatile boolean cancelled;

        Watch(String address, List<Integer> shards) {
            this.address = address;
            this.shards = List.copyOf(shards);
        }

        void start() {
            try {
                KvGrpc.newStub(channelFor.apply(address)).watchInvalidations(
                        WatchInvalidationsRequest.newBuilder().addAllShardIds(shards).build(), this);
            } catch (RuntimeException e) {
                ended(this, Status.fromThrowable(e));
            }
        }

        void cancel() {
            cancelled = true;
            ClientCallStreamObserver<WatchInvalidationsRequest> c = call;
            if (c != null) {
                c.cancel("near cache closed", null);
            }
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchInvalidationsRequest> requestStream) {
            call = requestStream;
            if (cancelled) {
                requestStream.cancel("near cache closed", null);
            }
        }

        @Override
        public void onNext(Invalidation m) {
            int shard = m.getShardId();
            if (!shards.contains(shard)) {
                return;
            }
            if (opened.add(shard)) {
                cache.streamOpened(shard, m.getAppliedIndex());
                shardOpened(shard);
            }
            if (m.getAll()) {
                cache.resetShard(shard, m.getAppliedIndex());
            } else {
                List<byte[]> keys = new ArrayList<>(m.getKeysCount());
                for (ByteString k : m.getKeysList()) {
                    keys.add(k.toByteArray());
                }
                cache.invalidate(shard, keys, m.getAppliedIndex());
            }
        }

        @Override
        public void onError(Throwable t) {
            ended(this, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ended(this, Status.UNAVAILABLE.withDescription("the store ended the stream"));
        }
    }
}
