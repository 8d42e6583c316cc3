package io.ringcache.placement.adapter.grpc;

import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ReplicaMover;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.proto.v1.AddShardReplicaRequest;
import io.ringcache.proto.v1.AdminResponse;
import io.ringcache.proto.v1.ChangeShardReplicasRequest;
import io.ringcache.proto.v1.ReplicaAddress;
import io.ringcache.proto.v1.StoreAdminGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Moves replicas by calling the stores' {@code StoreAdmin} service: the new store hosts the
 * group with the new membership, then the shard's leader (tried first as reported, then every
 * replica) commits the membership change.
 */
public final class GrpcReplicaMover implements ReplicaMover {

    private static final long CALL_SECONDS = 60;

    private final StoreChannels channels;

    public GrpcReplicaMover(StoreChannels channels) {
        this.channels = channels;
    }

    @Override
    public void addReplica(PartitionMap map, int shardId, String storeId) throws Exception {
        ShardInfo shard = map.shard(shardId).orElseThrow(() -> new IllegalArgumentException("no shard " + shardId));
        StoreInfo target = map.store(storeId).orElseThrow(() -> new IllegalArgumentException("no store " + storeId));
        List<ReplicaAddress> replicas = new ArrayList<>();
        for (String r : shard.replicas()) {
            replicas.add(address(map.store(r).orElseThrow()));
        }
        if (!shard.replicas().contains(storeId)) {
            replicas.add(address(target));
        }
        check(admin(target).addShardReplica(AddShardReplicaRequest.newBuilder()
                .setShardId(shardId).addAllReplicas(replicas).build()), "host shard " + shardId + " on " + storeId);

        List<String> candidates = new ArrayList<>();
        if (!shard.leader().isEmpty()) {
            candidates.add(shard.leader());
        }
        candidates.addAll(shard.replicas());
        Exception last = null;
        for (String c : candidates) {
            try {
                check(admin(map.store(c).orElseThrow()).changeShardReplicas(ChangeShardReplicasRequest.newBuilder()
                        .setShardId(shardId).addAllReplicas(replicas).build()), "change replicas of shard " + shardId);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        throw last != null ? last : new IllegalStateException("shard " + shardId + " has no replica to ask");
    }

    private StoreAdminGrpc.StoreAdminBlockingStub admin(StoreInfo store) {
        return StoreAdminGrpc.newBlockingStub(channels.to(store.grpcAddress())).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
    }

    private static ReplicaAddress address(StoreInfo s) {
        return ReplicaAddress.newBuilder().setStoreId(s.id()).setRaftAddress(s.raftAddress()).build();
    }

    private static void check(AdminResponse response, String what) {
        if (response.hasError()) {
            throw new IllegalStateException(what + " failed: " + response.getError());
        }
    }
}
