package io.ringcache.node.adapter.grpc;

import io.grpc.stub.StreamObserver;
import io.ringcache.proto.v1.AddShardReplicaRequest;
import io.ringcache.proto.v1.AdminResponse;
import io.ringcache.proto.v1.ChangeShardReplicasRequest;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.InvalidArgument;
import io.ringcache.proto.v1.NotLeader;
import io.ringcache.proto.v1.RemoveShardReplicaRequest;
import io.ringcache.proto.v1.ReplicaAddress;
import io.ringcache.proto.v1.StoreAdminGrpc;
import io.ringcache.proto.v1.TransferShardLeaderRequest;
import io.ringcache.proto.v1.Unavailable;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import java.util.ArrayList;
import java.util.List;

/** What placement asks of this store's shard replicas, carried out on the local Raft host. */
public final class StoreAdminService extends StoreAdminGrpc.StoreAdminImplBase {

    private final ShardGroupHost host;

    public StoreAdminService(ShardGroupHost host) {
        this.host = host;
    }

    @Override
    public void addShardReplica(AddShardReplicaRequest request, StreamObserver<AdminResponse> out) {
        run(out, () -> host.addShard(request.getShardId(), replicas(request.getReplicasList()),
                replicas(request.getLearnersList())));
    }

    @Override
    public void changeShardReplicas(ChangeShardReplicasRequest request, StreamObserver<AdminResponse> out) {
        int shard = request.getShardId();
        if (!host.isReadyLeader(shard)) {
            out.onNext(AdminResponse.newBuilder().setError(Error.newBuilder().setNotLeader(NotLeader.newBuilder()
                    .setShardId(shard).setLeaderStoreId(host.leader(shard).orElse("")))).build());
            out.onCompleted();
            return;
        }
        run(out, () -> host.changeReplicas(shard, replicas(request.getReplicasList()), replicas(request.getLearnersList())));
    }

    @Override
    public void removeShardReplica(RemoveShardReplicaRequest request, StreamObserver<AdminResponse> out) {
        run(out, () -> host.removeShard(request.getShardId()));
    }

    @Override
    public void transferShardLeader(TransferShardLeaderRequest request, StreamObserver<AdminResponse> out) {
        run(out, () -> host.transferLeadership(request.getShardId(), request.getToStoreId(), 10_000));
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void run(StreamObserver<AdminResponse> out, Action action) {
        AdminResponse.Builder response = AdminResponse.newBuilder();
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            response.setError(Error.newBuilder().setInvalidArgument(InvalidArgument.newBuilder().setMessage(e.getMessage())));
        } catch (Exception e) {
            response.setError(Error.newBuilder().setUnavailable(Unavailable.newBuilder().setMessage(String.valueOf(e.getMessage()))));
        }
        out.onNext(response.build());
        out.onCompleted();
    }

    private static List<ShardGroupHost.Replica> replicas(List<ReplicaAddress> addresses) {
        List<ShardGroupHost.Replica> out = new ArrayList<>();
        for (ReplicaAddress a : addresses) {
            out.add(new ShardGroupHost.Replica(a.getStoreId(), a.getRaftAddress()));
        }
        return out;
    }
}
