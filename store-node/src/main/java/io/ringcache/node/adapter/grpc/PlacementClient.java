package io.ringcache.node.adapter.grpc;

import io.ringcache.node.core.CurrentMap;
import io.ringcache.placement.adapter.grpc.StoreChannels;
import io.ringcache.placement.adapter.proto.PartitionMapProtos;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.RegisterStoreRequest;
import io.ringcache.proto.v1.RegisterStoreResponse;
import io.ringcache.proto.v1.ReplicaRole;
import io.ringcache.proto.v1.ShardStats;
import io.ringcache.proto.v1.StoreHeartbeatRequest;
import io.ringcache.proto.v1.StoreHeartbeatResponse;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This store's link to the placement driver: registers the store, heartbeats every second with
 * the role and size of each hosted replica, and fetches the partition map whenever the driver's
 * epoch moves past the one held here.
 */
public final class PlacementClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementClient.class);

    private final String pdAddress;
    private final StoreChannels channels;
    private final StoreInfo self;
    private final ShardGroupHost host;
    private final CurrentMap currentMap;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ringcache-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean registered;

    public PlacementClient(String pdAddress, StoreChannels channels, StoreInfo self, ShardGroupHost host, CurrentMap currentMap) {
        this.pdAddress = pdAddress;
        this.channels = channels;
        this.self = self;
        this.host = host;
        this.currentMap = currentMap;
    }

    /** Registers, retrying until {@code timeoutMillis} passes; then heartbeats every second. */
    public PlacementClient start(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                RegisterStoreResponse r = pd(5).registerStore(RegisterStoreRequest.newBuilder()
                        .setStore(PartitionMapProtos.toProto(self)).build());
                if (r.hasError()) {
                    throw new IllegalArgumentException("placement refused store " + self.id() + ": " + r.getError());
                }
                currentMap.offer(PartitionMapProtos.fromProto(r.getMap()));
                registered = true;
                LOG.info("store {} registered with placement at {} (map epoch {})", self.id(), pdAddress, r.getMap().getEpoch());
                break;
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) {
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
            throw new IllegalStateException("cannot reach the placement driver at " + pdAddress
                    + (last == null ? "" : ": " + last.getMessage()));
        }
        heartbeats.scheduleWithFixedDelay(this::heartbeat, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    public boolean registered() {
        return registered;
    }

    public String pdAddress() {
        return pdAddress;
    }

    private void heartbeat() {
        try {
            StoreHeartbeatRequest.Builder request = StoreHeartbeatRequest.newBuilder().setStoreId(self.id());
            for (int shard : host.hostedShards()) {
                ShardStats.Builder stats = ShardStats.newBuilder().setShardId(shard)
                        .setRole(role(host.role(shard))).setAppliedIndex(host.appliedIndex(shard));
                host.engine(shard).ifPresent(e -> stats.setEntries(e.store().size()).setBytes(e.store().bytesUsed()));
                request.addShards(stats);
            }
            StoreHeartbeatResponse response = pd(5).storeHeartbeat(request.build());
            long held = currentMap.get().map(m -> m.epoch()).orElse(0L);
            if (response.getEpoch() > held) {
                GetPartitionMapResponse map = pd(5).getPartitionMap(
                        GetPartitionMapRequest.newBuilder().setAfterEpoch(held).build());
                if (map.hasMap()) {
                    currentMap.offer(PartitionMapProtos.fromProto(map.getMap()));
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("heartbeat to {} failed: {}", pdAddress, e.getMessage());
        }
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

    private PlacementDriverGrpc.PlacementDriverBlockingStub pd(long seconds) {
        return PlacementDriverGrpc.newBlockingStub(channels.to(pdAddress)).withDeadlineAfter(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
    }
}
