package io.ringcache.node.adapter.grpc;

import io.grpc.StatusRuntimeException;
import io.ringcache.node.adapter.metrics.ShardOps;
import io.ringcache.node.core.CurrentMap;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.api.PartitionMapProtos;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.PlacementMember;
import io.ringcache.proto.v1.RegisterStoreRequest;
import io.ringcache.proto.v1.RegisterStoreResponse;
import io.ringcache.proto.v1.ReplicaRole;
import io.ringcache.proto.v1.ShardStats;
import io.ringcache.proto.v1.StoreHeartbeatRequest;
import io.ringcache.proto.v1.StoreHeartbeatResponse;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This store's link to the placement driver: registers the store, heartbeats every second with
 * each hosted replica's role, progress, size, membership and ops/s, watches the partition map
 * ({@link PlacementMapWatch}), and fetches it whenever a heartbeat's epoch is past the one held
 * here (the watch's fallback). Follows PD leader changes (a member
 * that does not lead names the leader) and re-registers when the driver does not know the store.
 */
public final class PlacementClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementClient.class);
    private static final int HOPS = 6;
    /** The least time between a beat and an early beat after it ({@link #heartbeatSoon}). */
    static final long EARLY_BEAT_GAP_MILLIS = 50;

    private final PlacementEndpoints endpoints;
    private final StoreChannels channels;
    private final StoreInfo self;
    private final ShardGroupHost host;
    private final CurrentMap currentMap;
    private final ShardOps ops;
    private final Consumer<PartitionMap> onRegistered;
    private final io.ringcache.node.core.StoreMemory memory;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ringcache-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final PlacementMapWatch mapWatch;
    private final Map<Integer, Long> lastOps = new HashMap<>();
    /** Each shard's ops/s over the last regular beat's second, which an early beat repeats. */
    private final Map<Integer, Double> lastRates = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean earlyBeatQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private long lastBeatNanos;
    /** When the last beat of either kind left (the heartbeat thread writes it, {@link #heartbeatSoon} reads it). */
    private volatile long lastSentNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
    private long beatMillis = 1_000;
    private int failedBeats;
    private volatile boolean registered;
    private volatile io.ringcache.node.core.AccessRules access = new io.ringcache.node.core.AccessRules();

    /**
     * @param onRegistered called with the map each time registration succeeds (the node hosts the
     *                     shards of a brand-new cluster placed on it)
     */
    public PlacementClient(List<String> pdAddresses, StoreChannels channels, StoreInfo self, ShardGroupHost host,
                           CurrentMap currentMap, ShardOps ops, io.ringcache.node.core.StoreMemory memory,
                           Consumer<PartitionMap> onRegistered) {
        this.memory = memory;
        this.endpoints = new PlacementEndpoints(pdAddresses);
        this.channels = channels;
        this.self = self;
        this.host = host;
        this.currentMap = currentMap;
        this.ops = ops;
        this.onRegistered = onRegistered;
        this.mapWatch = new PlacementMapWatch(endpoints, channels, currentMap, heartbeats);
    }

    /**
     * The regular heartbeat's period (set before {@link #start}; one second unless a test needs
     * the regular beat out of the way to see an early one).
     */
    public PlacementClient beatingEvery(java.time.Duration period) {
        this.beatMillis = period.toMillis();
        return this;
    }

    /** Where the access table placement sends goes (at registration, and with heartbeats when it changes). */
    public PlacementClient enforcing(io.ringcache.node.core.AccessRules rules) {
        this.access = rules;
        return this;
    }

    /** Registers, retrying until {@code timeoutMillis} passes; then heartbeats every second. */
    public PlacementClient start(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        RuntimeException last = null;
        while (System.nanoTime() < deadline && !registered) {
            try {
                register();
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) {
                if (last == null || !String.valueOf(last.getMessage()).equals(String.valueOf(e.getMessage()))) {
                    LOG.warn("registering with placement at {} failed, retrying: {}", endpoints.all(), e.getMessage());
                }
                last = e;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while registering", ie);
                }
            }
        }
        if (!registered) {
            throw new IllegalStateException("cannot reach the placement driver at " + endpoints.all()
                    + (last == null ? "" : ": " + last.getMessage()));
        }
        mapWatch.start();
        heartbeats.scheduleWithFixedDelay(() -> heartbeat(false), beatMillis, beatMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void register() {
        for (int hop = 0; hop < HOPS; hop++) {
            String address = endpoints.current();
            RegisterStoreResponse r;
            try {
                r = pd(address).registerStore(RegisterStoreRequest.newBuilder().setStore(PartitionMapProtos.toProto(self)).build());
            } catch (StatusRuntimeException e) {
                endpoints.failed(address);
                throw e;
            }
            if (r.hasNotLeader()) {
                endpoints.redirect(r.getNotLeader().getLeaderAddress());
                continue;
            }
            if (r.hasError()) {
                throw new IllegalArgumentException("placement refused store " + self.id() + ": "
                        + r.getError().getInvalidArgument().getMessage());
            }
            PartitionMap map = PartitionMapProtos.fromProto(r.getMap());
            learn(r.hasAccess() ? r.getAccess() : null);
            currentMap.offer(map);
            onRegistered.accept(map);
            registered = true;
            LOG.info("store {} registered with placement at {} (map epoch {})", self.id(), address, map.epoch());
            return;
        }
        throw new IllegalStateException("no placement driver leader found among " + endpoints.all());
    }

    public boolean registered() {
        return registered;
    }

    /** The placement driver member this store talks to now. */
    public String pdAddress() {
        return endpoints.current();
    }

    /**
     * Heartbeats now, besides the beat every second: called when a replica here was elected leader
     * ({@code ShardGroupHost#onLeadership}), so the placement driver publishes the new leader, and
     * stores and clients that route by the map find it, without waiting up to a second (TiKV's
     * stores send a region heartbeat on a leader change for the same reason). Requests that arrive
     * while one is queued share it, and it leaves at least {@link #EARLY_BEAT_GAP_MILLIS} after the
     * beat before it, so a store whose replicas win hundreds of elections at once (a failover of a
     * whole store's leaders) sends at most 20 a second, each carrying every win so far. The early
     * beat repeats the last regular beat's ops/s: a rate measured over a few milliseconds would be
     * noise, and the load-based split trigger reads it.
     */
    public void heartbeatSoon() {
        if (!registered || !earlyBeatQueued.compareAndSet(false, true)) {
            return;
        }
        long sinceLast = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastSentNanos);
        try {
            heartbeats.schedule(() -> {
                earlyBeatQueued.set(false);
                heartbeat(true);
            }, Math.max(0, EARLY_BEAT_GAP_MILLIS - sinceLast), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            earlyBeatQueued.set(false); // closing
        }
    }

    private void heartbeat(boolean early) {
        lastSentNanos = System.nanoTime();
        String address = endpoints.current();
        try {
            StoreHeartbeatRequest request = report(early);
            for (int hop = 0; hop < HOPS; hop++) {
                address = endpoints.current();
                StoreHeartbeatResponse response = pd(address).storeHeartbeat(request);
                if (response.hasNotLeader()) {
                    endpoints.redirect(response.getNotLeader().getLeaderAddress());
                    continue;
                }
                if (response.hasError()) {
                    LOG.info("placement at {} does not know store {} ({}); registering again", address, self.id(),
                            response.getError().getInvalidArgument().getMessage());
                    register();
                    return;
                }
                learn(response.hasAccess() ? response.getAccess() : null);
                refreshMap(address, response.getEpoch());
                failedBeats = 0;
                return;
            }
        } catch (StatusRuntimeException e) {
            endpoints.failed(address);
            failedBeat(address, e.getMessage());
        } catch (RuntimeException e) {
            failedBeat(address, e.toString());
        }
    }

    /** Heartbeat failures are logged when they persist (placement will mark this store down). */
    private void failedBeat(String address, String why) {
        if (++failedBeats % 5 == 0) {
            LOG.warn("{} heartbeats in a row to placement failed, last at {}: {}", failedBeats, address, why);
        } else {
            LOG.debug("heartbeat to {} failed: {}", address, why);
        }
    }

    private void refreshMap(String address, long epoch) {
        long held = currentMap.get().map(PartitionMap::epoch).orElse(0L);
        if (epoch <= held) {
            return;
        }
        GetPartitionMapResponse map = pd(address).getPartitionMap(GetPartitionMapRequest.newBuilder().setAfterEpoch(held).build());
        for (PlacementMember m : map.getMembersList()) {
            endpoints.learn(m.getGrpcAddress());
        }
        if (map.hasMap() && currentMap.offer(PartitionMapProtos.fromProto(map.getMap()))) {
            mapWatch.behind(address);
        }
    }

    /** Takes placement's access table; an older placement driver sends none, which means auth off. */
    private void learn(io.ringcache.proto.v1.AccessTable table) {
        if (table != null) {
            io.ringcache.placement.core.access.AccessTable next = io.ringcache.placement.api.AccessTableProtos.fromProto(table);
            io.ringcache.placement.core.access.AccessTable before = access.get();
            access.learn(next);
            if (before == null || before.enabled() != next.enabled()) {
                LOG.info("store {}: auth is {} (access revision {})", self.id(), next.enabled() ? "on" : "off",
                        next.revision());
            }
        } else if (access.get() == null) {
            access.learn(io.ringcache.placement.core.access.AccessTable.EMPTY);
        }
    }

    private StoreHeartbeatRequest report(boolean early) {
        long now = System.nanoTime();
        double seconds = lastBeatNanos == 0 ? 0 : (now - lastBeatNanos) / 1e9;
        if (!early) {
            lastBeatNanos = now;
        }
        StoreHeartbeatRequest.Builder request = StoreHeartbeatRequest.newBuilder().setStoreId(self.id());
        io.ringcache.placement.core.access.AccessTable known = access.get();
        if (known != null) {
            request.setAccessRevision(known.revision());
        }
        for (int shard : host.hostedShards()) {
            double rate;
            if (early) {
                rate = lastRates.getOrDefault(shard, 0.0);
            } else {
                long total = ops.total(shard);
                Long before = lastOps.put(shard, total);
                rate = seconds > 0 && before != null ? (total - before) / seconds : 0;
                lastRates.put(shard, rate);
            }
            try {
                ShardStats.Builder stats = ShardStats.newBuilder().setShardId(shard)
                        .setRole(role(host.role(shard))).setAppliedIndex(Math.max(0, host.appliedIndex(shard))).setOpsPerSecond(rate);
                host.replicas(shard).forEach(r -> stats.addVoters(r.peerId()));
                host.learners(shard).forEach(r -> stats.addLearners(r.peerId()));
                host.engine(shard).ifPresent(e -> stats.setEntries(e.store().size()).setBytes(e.store().bytesUsed()));
                request.addShards(stats);
            } catch (RuntimeException e) {
                // A replica starting or going away mid-report must not silence the whole heartbeat:
                // a store that stops heartbeating is marked down and its replicas rebuilt elsewhere.
                LOG.debug("shard {} left out of this heartbeat: {}", shard, e.toString());
            }
        }
        lastOps.keySet().retainAll(host.hostedShards());
        lastRates.keySet().retainAll(host.hostedShards());
        request.addAllLostShards(host.lostShards());
        request.setMemoryBudgetBytes(memory.budgetBytes()).setShardBudgetBytes(memory.shardBudgetBytes());
        return request.build();
    }

    private static ReplicaRole role(ShardGroupHost.Role role) {
        switch (role) {
            case LEADER: return ReplicaRole.REPLICA_ROLE_LEADER;
            case FOLLOWER: return ReplicaRole.REPLICA_ROLE_FOLLOWER;
            case CANDIDATE: return ReplicaRole.REPLICA_ROLE_CANDIDATE;
            case LISTENER: return ReplicaRole.REPLICA_ROLE_LEARNER;
            default: return ReplicaRole.REPLICA_ROLE_UNSPECIFIED;
        }
    }

    private PlacementDriverGrpc.PlacementDriverBlockingStub pd(String address) {
        return PlacementDriverGrpc.newBlockingStub(channels.to(address)).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        mapWatch.close();
        heartbeats.shutdownNow();
    }
}
