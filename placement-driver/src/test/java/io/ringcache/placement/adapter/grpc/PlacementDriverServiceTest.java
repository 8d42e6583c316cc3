package io.ringcache.placement.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.ringcache.placement.adapter.memory.InMemoryPlacementLog;
import io.ringcache.placement.core.PlacementMembership;
import io.ringcache.placement.core.PdMember;
import io.ringcache.placement.core.PlacementDriver;
import io.ringcache.placement.core.SchedulingConfig;
import io.ringcache.proto.v1.CancelOperatorRequest;
import io.ringcache.proto.v1.GetClusterStatusRequest;
import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.MoveReplicaRequest;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.RebalanceRequest;
import io.ringcache.proto.v1.RegisterStoreRequest;
import io.ringcache.proto.v1.RegisterStoreResponse;
import io.ringcache.proto.v1.ShardStats;
import io.ringcache.proto.v1.Store;
import io.ringcache.proto.v1.StoreHeartbeatRequest;
import io.ringcache.proto.v1.StoreRequest;
import io.ringcache.proto.v1.ReplicaRole;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PD's gRPC API over a real driver and an in-memory log: replies, errors, leader hints. */
class PlacementDriverServiceTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final InMemoryPlacementLog log = new InMemoryPlacementLog();
    private final FakeMembership membership = new FakeMembership();
    private Server server;
    private ManagedChannel channel;
    private PlacementDriverGrpc.PlacementDriverBlockingStub pd;

    @BeforeEach
    void start() throws Exception {
        PlacementDriver driver = new PlacementDriver(log, SchedulingConfig.defaults(4));
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new PlacementDriverService(driver, log, membership, clock::get, () -> { }, "")).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        pd = PlacementDriverGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private static Store store(String id) {
        return Store.newBuilder().setId(id).setGrpcAddress("127.0.0.1:1" + id.substring(1)).setHttpAddress("127.0.0.1:2")
                .setRaftAddress("127.0.0.1:3" + id.substring(1)).build();
    }

    @Test
    void theFirstStoreGetsEveryShardAndOthersJoin() {
        RegisterStoreResponse first = pd.registerStore(RegisterStoreRequest.newBuilder().setStore(store("s1")).build());
        assertEquals(4, first.getMap().getShardsCount());
        first.getMap().getShardsList().forEach(s -> assertEquals(List.of("s1"), s.getReplicasList()));
        RegisterStoreResponse second = pd.registerStore(RegisterStoreRequest.newBuilder().setStore(store("s2")).build());
        assertEquals(2, second.getMap().getStoresCount());
        assertTrue(second.getMap().getEpoch() > first.getMap().getEpoch());
        GetPartitionMapResponse map = pd.getPartitionMap(GetPartitionMapRequest.newBuilder().setAfterEpoch(0).build());
        assertEquals(second.getMap(), map.getMap());
        assertEquals(1, map.getMembersCount());
        assertFalse(pd.getPartitionMap(GetPartitionMapRequest.newBuilder().setAfterEpoch(map.getMap().getEpoch()).build())
                .hasMap());
    }

    @Test
    void heartbeatsRecordLeadersAndRefuseUnknownStores() {
        pd.registerStore(RegisterStoreRequest.newBuilder().setStore(store("s1")).build());
        var unknown = pd.storeHeartbeat(StoreHeartbeatRequest.newBuilder().setStoreId("s9").build());
        assertTrue(unknown.getError().hasInvalidArgument());
        var ok = pd.storeHeartbeat(StoreHeartbeatRequest.newBuilder().setStoreId("s1").addShards(ShardStats.newBuilder()
                .setShardId(0).setRole(ReplicaRole.REPLICA_ROLE_LEADER).setOpsPerSecond(42)).build());
        assertFalse(ok.hasError());
        GetClusterStatusResponse status = pd.getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
        assertEquals(42.0, status.getShards(0).getOpsPerSecond());
        assertEquals(1.0, status.getShardsList().stream().mapToDouble(s -> s.getKeyShare()).sum(), 1e-9);
        assertEquals(3, status.getTargetReplicas());
    }

    @Test
    void adminRefusalsAreTypedStatuses() {
        pd.registerStore(RegisterStoreRequest.newBuilder().setStore(store("s1")).build());
        // Draining the only store would leave its shards nowhere to go.
        assertCode(Status.Code.FAILED_PRECONDITION, () -> pd.drainStore(StoreRequest.newBuilder().setStoreId("s1").build()));
        pd.registerStore(RegisterStoreRequest.newBuilder().setStore(store("s2")).build());
        assertCode(Status.Code.INVALID_ARGUMENT, () -> pd.moveReplica(MoveReplicaRequest.newBuilder().setShardId(99)
                .setFromStore("s1").setToStore("s2").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> pd.moveReplica(MoveReplicaRequest.newBuilder().setShardId(0)
                .setFromStore("s1").setToStore("s7").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> pd.cancelOperator(CancelOperatorRequest.newBuilder().setId("op-404").build()));
        assertCode(Status.Code.FAILED_PRECONDITION, () -> pd.removeStore(StoreRequest.newBuilder().setStoreId("s1").build()));
        var moved = pd.moveReplica(MoveReplicaRequest.newBuilder().setShardId(0).setFromStore("s1").setToStore("s2").build());
        assertEquals(1, moved.getOperatorsCount());
        assertCode(Status.Code.FAILED_PRECONDITION, () -> pd.moveReplica(MoveReplicaRequest.newBuilder().setShardId(0)
                .setFromStore("s1").setToStore("s2").build()));
        var cancelled = pd.cancelOperator(CancelOperatorRequest.newBuilder().setId(moved.getOperators(0).getId()).build());
        assertEquals("OPERATOR_STATUS_CANCELLED", cancelled.getOperators(0).getStatus().name());
        var plan = pd.rebalance(RebalanceRequest.newBuilder().setDryRun(true).build());
        assertFalse(plan.getPlanList().isEmpty());
        assertTrue(plan.getPlanList().stream().allMatch(op -> op.getId().isEmpty()), "a dry run queues nothing");
    }

    @Test
    void aFollowerNamesTheLeaderAndStillServesTheMap() {
        pd.registerStore(RegisterStoreRequest.newBuilder().setStore(store("s1")).build());
        membership.leads = false;
        RegisterStoreResponse r = pd.registerStore(RegisterStoreRequest.newBuilder().setStore(store("s2")).build());
        assertEquals("127.0.0.1:9002", r.getNotLeader().getLeaderAddress());
        assertEquals("pd2", pd.getClusterStatus(GetClusterStatusRequest.getDefaultInstance()).getNotLeader().getLeaderId());
        assertTrue(pd.getPartitionMap(GetPartitionMapRequest.getDefaultInstance()).hasMap());
        Iterator<GetPartitionMapResponse> watch = pd.watchPartitionMap(GetPartitionMapRequest.getDefaultInstance());
        assertEquals(log.current().map().epoch(), watch.next().getMap().getEpoch());
    }

    private static void assertCode(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getMessage());
        assertFalse(e.getStatus().getDescription().isBlank());
    }

    private static final class FakeMembership implements PlacementMembership {
        volatile boolean leads = true;
        private final PdMember self = new PdMember("pd1", "127.0.0.1:7001", "127.0.0.1:9001");
        private final PdMember other = new PdMember("pd2", "127.0.0.1:7002", "127.0.0.1:9002");

        @Override
        public boolean isReadyLeader() {
            return leads;
        }

        @Override
        public Optional<PdMember> leader() {
            return Optional.of(leads ? self : other);
        }

        @Override
        public List<PdMember> members() {
            return List.of(self);
        }
    }
}
