package io.ringcache.node.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.ringcache.node.adapter.metrics.ShardOps;
import io.ringcache.node.adapter.raft.LeaderNews;
import io.ringcache.node.core.CurrentMap;
import io.ringcache.node.core.StoreMemory;
import io.ringcache.placement.api.PartitionMapProtos;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.RegisterStoreRequest;
import io.ringcache.proto.v1.RegisterStoreResponse;
import io.ringcache.proto.v1.ReplicaRole;
import io.ringcache.proto.v1.ShardStats;
import io.ringcache.proto.v1.StoreHeartbeatRequest;
import io.ringcache.proto.v1.StoreHeartbeatResponse;
import io.ringcache.routing.TokenPlanner;
import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.adapter.ratis.LeaderChangeListener;
import io.ringcache.shard.adapter.ratis.RatisTuning;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.testing.Poll;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica elected on a store is reported to the placement driver at once, not with the next
 * regular heartbeat: a real single-replica Ratis host wired as the store node wires it
 * ({@link LeaderNews}: {@code onLeaderChange} to {@code heartbeatSoon}, and to the held requests' news), a placement driver served by a real gRPC server
 * that records the heartbeats, and the regular beat set to an hour, so only the early beat can
 * carry the news within the test's wait.
 */
class LeadershipHeartbeatIT {

    private static final int SHARD = 7;

    private final List<StoreHeartbeatRequest> beats = new CopyOnWriteArrayList<>();
    private Path dir;
    private ShardGroupHost host;
    private PlacementClient placement;
    private Server pd;
    private StoreChannels channels;

    @AfterEach
    void stop() throws Exception {
        if (placement != null) {
            placement.close();
        }
        if (host != null) {
            host.close();
        }
        if (channels != null) {
            channels.close();
        }
        if (pd != null) {
            pd.shutdownNow().awaitTermination();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
            }
        }
    }

    @Test
    void aReplicaElectedHereIsReportedToPlacementWithoutWaitingForTheNextBeat() throws Exception {
        dir = Files.createTempDirectory("leadership-heartbeat");
        PlacementClient[] wired = new PlacementClient[1];
        CurrentMap current = new CurrentMap();
        List<String> told = new CopyOnWriteArrayList<>();
        host = new ShardGroupHost("solo", RatisTuning.defaults(dir.toFile()).withPort(0), shard -> new HeapShardStore(),
                ShardLimits.withBudget(8L << 20), System::currentTimeMillis)
                .onLeaderChange(new LeaderChangeListener() {
                    private final LeaderNews news = new LeaderNews(current.changes(), () -> wired[0]);

                    @Override
                    public void leaderChanged(int shard, String leader, boolean electedHere) {
                        told.add(shard + (electedHere ? " elected here" : " led by " + leader));
                        news.leaderChanged(shard, leader, electedHere);
                    }

                    @Override
                    public void leaderReady(int shard) {
                        told.add(shard + " ready: " + host.isReadyLeader(shard));
                        news.leaderReady(shard);
                    }
                })
                .start();
        StoreInfo self = new StoreInfo("solo", "127.0.0.1:1", "127.0.0.1:2", host.raftAddress(), Map.of(), StoreState.UP);
        // Shard 0 is placed elsewhere (the map needs one); shard 7 is added to this host directly.
        StoreInfo other = new StoreInfo("other", "127.0.0.1:4", "127.0.0.1:5", "127.0.0.1:6", Map.of(), StoreState.UP);
        PartitionMap map = new PartitionMap(1, TokenPlanner.initial(0), Map.of(0, new ShardInfo(0, List.of("other"), "other", 1)),
                Map.of("solo", self, "other", other));
        pd = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new Placement(map)).build().start();
        channels = new StoreChannels();
        placement = new PlacementClient(List.of("127.0.0.1:" + pd.getPort()), channels, self, host, current,
                new ShardOps(), new StoreMemory(64L << 20, 8L << 20), m -> { })
                .beatingEvery(Duration.ofHours(1)).start(30_000);
        wired[0] = placement;
        // A request held for shard 7's leader would wait on this (RequestPath); the map is in by now.
        CompletableFuture<Void> heldRequest = current.changes().next(SHARD, current.changes().version());

        host.addShard(SHARD, List.of(new ShardGroupHost.Replica("solo", host.raftAddress())));

        Poll.until("a heartbeat reporting this store's replica of shard " + SHARD + " as its leader",
                () -> beats.stream().flatMap(b -> b.getShardsList().stream())
                        .anyMatch(s -> s.getShardId() == SHARD && s.getRole() == ReplicaRole.REPLICA_ROLE_LEADER));
        heldRequest.get(30, TimeUnit.SECONDS); // woken by the election, without a new map
        assertEquals(1, current.get().orElseThrow().epoch());
        // Ratis refuses a new leader's requests until it applied its term's first entry; then it says so.
        Poll.until("the host telling that its leader of shard " + SHARD + " is ready", () -> told.size() == 2);
        assertEquals(List.of(SHARD + " elected here", SHARD + " ready: true"), told);
        CompletableFuture<Void> heldUntilReady = current.changes().next(SHARD, current.changes().version());
        new LeaderNews(current.changes(), () -> null).leaderReady(SHARD);
        assertTrue(heldUntilReady.isDone());
        // The early beat repeats the last regular beat's rates; there was none, so none.
        for (StoreHeartbeatRequest b : beats) {
            for (ShardStats s : b.getShardsList()) {
                assertEquals(0.0, s.getOpsPerSecond());
            }
        }
    }

    /** A placement driver that knows one store and records its heartbeats. */
    private final class Placement extends PlacementDriverGrpc.PlacementDriverImplBase {
        private final PartitionMap map;

        Placement(PartitionMap map) {
            this.map = map;
        }

        @Override
        public void registerStore(RegisterStoreRequest request, StreamObserver<RegisterStoreResponse> out) {
            out.onNext(RegisterStoreResponse.newBuilder().setMap(PartitionMapProtos.toProto(map)).build());
            out.onCompleted();
        }

        @Override
        public void storeHeartbeat(StoreHeartbeatRequest request, StreamObserver<StoreHeartbeatResponse> out) {
            beats.add(request);
            out.onNext(StoreHeartbeatResponse.newBuilder().setEpoch(map.epoch()).build());
            out.onCompleted();
        }

        @Override
        public void watchPartitionMap(GetPartitionMapRequest request, StreamObserver<GetPartitionMapResponse> out) {
            // Open and silent: the map never changes here.
        }
    }
}
