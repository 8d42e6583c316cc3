package io.ringcache.placement.adapter.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringcache.placement.adapter.proto.PartitionMapProtos;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.Placement;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.InvalidArgument;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.RegisterStoreRequest;
import io.ringcache.proto.v1.RegisterStoreResponse;
import io.ringcache.proto.v1.ReplicaRole;
import io.ringcache.proto.v1.ShardStats;
import io.ringcache.proto.v1.StoreHeartbeatRequest;
import io.ringcache.proto.v1.StoreHeartbeatResponse;
import java.io.IOException;
import java.util.function.Consumer;

/** The placement driver's gRPC API over {@link Placement}: registration, heartbeats, the map and its watch. */
public final class PlacementDriverService extends PlacementDriverGrpc.PlacementDriverImplBase {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlacementDriverService.class);

    private final Placement placement;
    private final PlacementScheduler scheduler;

    public PlacementDriverService(Placement placement, PlacementScheduler scheduler) {
        this.placement = placement;
        this.scheduler = scheduler;
    }

    @Override
    public void registerStore(RegisterStoreRequest request, StreamObserver<RegisterStoreResponse> out) {
        StoreInfo store;
        try {
            store = PartitionMapProtos.fromProto(request.getStore());
            if (store.grpcAddress().isBlank()) {
                throw new IllegalArgumentException("store " + store.id() + " needs a gRPC address");
            }
            placement.register(store);
            LOG.info("store {} registered (raft {}, grpc {}, http {})", store.id(), store.raftAddress(),
                    store.grpcAddress(), store.httpAddress());
        } catch (IllegalArgumentException e) {
            out.onNext(RegisterStoreResponse.newBuilder().setError(invalid(e.getMessage())).build());
            out.onCompleted();
            return;
        } catch (IOException e) {
            out.onError(Status.UNAVAILABLE.withDescription("cannot persist the partition map: " + e.getMessage()).asException());
            return;
        }
        scheduler.wake();
        out.onNext(RegisterStoreResponse.newBuilder().setMap(PartitionMapProtos.toProto(placement.map())).build());
        out.onCompleted();
    }

    @Override
    public void storeHeartbeat(StoreHeartbeatRequest request, StreamObserver<StoreHeartbeatResponse> out) {
        try {
            for (ShardStats s : request.getShardsList()) {
                if (s.getRole() == ReplicaRole.REPLICA_ROLE_LEADER) {
                    placement.leaderReported(s.getShardId(), request.getStoreId());
                }
            }
        } catch (IOException e) {
            out.onError(Status.UNAVAILABLE.withDescription("cannot persist the partition map: " + e.getMessage()).asException());
            return;
        }
        out.onNext(StoreHeartbeatResponse.newBuilder().setEpoch(placement.map().epoch()).build());
        out.onCompleted();
    }

    @Override
    public void getPartitionMap(GetPartitionMapRequest request, StreamObserver<GetPartitionMapResponse> out) {
        PartitionMap map = placement.map();
        GetPartitionMapResponse.Builder response = GetPartitionMapResponse.newBuilder();
        if (map.epoch() > request.getAfterEpoch()) {
            response.setMap(PartitionMapProtos.toProto(map));
        }
        out.onNext(response.build());
        out.onCompleted();
    }

    @Override
    public void watchPartitionMap(GetPartitionMapRequest request, StreamObserver<GetPartitionMapResponse> out) {
        ServerCallStreamObserver<GetPartitionMapResponse> stream = (ServerCallStreamObserver<GetPartitionMapResponse>) out;
        long[] sent = {request.getAfterEpoch()};
        Consumer<PartitionMap> push = map -> {
            synchronized (sent) {
                if (map.epoch() > sent[0] && !stream.isCancelled()) {
                    sent[0] = map.epoch();
                    stream.onNext(GetPartitionMapResponse.newBuilder().setMap(PartitionMapProtos.toProto(map)).build());
                }
            }
        };
        placement.addListener(push);
        stream.setOnCancelHandler(() -> placement.removeListener(push));
        push.accept(placement.map());
    }

    private static Error invalid(String message) {
        return Error.newBuilder().setInvalidArgument(InvalidArgument.newBuilder().setMessage(message)).build();
    }
}
