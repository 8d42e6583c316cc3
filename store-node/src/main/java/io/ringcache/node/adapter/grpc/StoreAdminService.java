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
import io.ringcache.proto.v1.SplitCopyStateRequest;
import io.ringcache.proto.v1.SplitCopyStateResponse;
import io.ringcache.proto.v1.StoreAdminGrpc;
import io.ringcache.proto.v1.TransferShardLeaderRequest;
import io.ringcache.proto.v1.Unavailable;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.SplitProposal.FollowerCopy;
import java.util.ArrayList;
import java.util.List;

/** What placement asks of this store's shard replicas, carried out on the local Raft host. */
public final class StoreAdminService extends StoreAdminGrpc.StoreAdminImplBase {

    private final ShardGroupHost host;
    private final long leaderTransferTimeoutMillis;

    private final io.ringcache.node.core.StoreMemory memory;

    /**
     * @param leaderTransferTimeout how long a leader transfer placement asks for may take. While
     *                              one is pending, Ratis refuses the shard's writes ("stepping
     *                              down"), so a target that dies mid-transfer blocks the shard for
     *                              this long: it is kept short ({@code RatisTuning.leaderTransferTimeout})
     */
    public StoreAdminService(ShardGroupHost host, io.ringcache.node.core.StoreMemory memory,
                             java.time.Duration leaderTransferTimeout) {
        this.memory = memory;
        this.host = host;
        this.leaderTransferTimeoutMillis = leaderTransferTimeout.toMillis();
    }

    @Override
    public void addShardReplica(AddShardReplicaRequest request, StreamObserver<AdminResponse> out) {
        run(out, () -> {
            int hosted = host.hostedShards().size();
            if (!host.hostedShards().contains(request.getShardId()) && !memory.roomForOneMore(hosted)) {
                throw new IllegalStateException("store holds " + hosted + " shard replicas, all its -memory allows ("
                        + (memory.budgetBytes() >> 20) + " MiB / " + (memory.shardBudgetBytes() >> 20) + " MiB each)");
            }
            host.addShard(request.getShardId(), replicas(request.getReplicasList()), replicas(request.getLearnersList()));
        });
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
        run(out, () -> host.transferLeadership(request.getShardId(), request.getToStoreId(), leaderTransferTimeoutMillis));
    }

    /**
     * Splits a shard this store leads (see {@link io.ringcache.shard.adapter.ratis.ShardSplits#split}); answers when every
     * replica can start the child, the moved keys counted. Not the leader: NotLeader with a hint;
     * membership changing or voters other than expected: Unavailable; an invalid split: InvalidArgument.
     */
    @Override
    public void splitShard(io.ringcache.proto.v1.SplitShardRequest request,
                           StreamObserver<io.ringcache.proto.v1.SplitShardResponse> out) {
        io.ringcache.proto.v1.SplitShardResponse.Builder r = io.ringcache.proto.v1.SplitShardResponse.newBuilder();
        io.ringcache.shard.core.SlotSet slots;
        try {
            long[] words = request.getSlotWordsList().stream().mapToLong(Long::longValue).toArray();
            slots = io.ringcache.shard.core.SlotSet.fromWords(request.getSlotBits(), words);
            if (slots.isEmpty()) {
                throw new IllegalArgumentException("a split moves at least one slot");
            }
        } catch (IllegalArgumentException e) {
            out.onNext(r.setError(Error.newBuilder().setInvalidArgument(InvalidArgument.newBuilder()
                    .setMessage("invalid split: " + e.getMessage()))).build());
            out.onCompleted();
            return;
        }
        host.splits().split(request.getShardId(), request.getChildShardId(), slots, request.getExpectedVotersList())
                .whenComplete((done, error) -> {
                    if (error == null) {
                        r.setSplitIndex(done.index()).setMovedKeys(done.movedKeys()).setAlreadyDone(done.alreadyDone());
                    } else {
                        r.setError(splitError(request.getShardId(), error));
                    }
                    out.onNext(r.build());
                    out.onCompleted();
                });
    }

    /**
     * Another store's question, as a split's parent leader: how this store's copy of the split
     * stands ({@link io.ringcache.shard.adapter.ratis.PeerSplitCopies}). Answered from memory, at
     * once (the service is served only once the host has started).
     */
    @Override
    public void splitCopyState(SplitCopyStateRequest request, StreamObserver<SplitCopyStateResponse> out) {
        FollowerCopy state = host.splits().copyState(request.getShardId(), request.getChildShardId(),
                request.getAnnouncedIndex());
        out.onNext(SplitCopyStateResponse.newBuilder().setState(GrpcPeerSplitCopies.toProto(state)).build());
        out.onCompleted();
    }

    /** The call's failure as the KV service reports a shard call's (a split is a write). */
    private static Error splitError(int shard, Throwable error) {
        return KvErrors.toProto(io.ringcache.node.adapter.raft.RatisLocalShards.failure(shard, error, true));
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
