package io.ringcache.placement.adapter.grpc;

import io.ringcache.placement.api.PartitionMapProtos;
import io.ringcache.placement.adapter.proto.PlacementStateProtos;
import io.ringcache.placement.core.PlacementMembership;
import io.ringcache.placement.core.PdMember;
import io.ringcache.placement.core.ClusterStatus;
import io.ringcache.placement.core.Operator;
import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.PlacementMember;
import io.ringcache.proto.v1.ShardStatus;
import io.ringcache.proto.v1.StoreStatus;
import java.util.List;
import java.util.Optional;

/** The wire form of {@link ClusterStatus}. */
final class ClusterStatusProtos {

    private ClusterStatusProtos() {
    }

    static GetClusterStatusResponse toProto(ClusterStatus status, PlacementMembership membership) {
        GetClusterStatusResponse.Builder out = GetClusterStatusResponse.newBuilder()
                .setMap(PartitionMapProtos.toProto(status.map())).setTargetReplicas(status.targetReplicas());
        for (ClusterStatus.StoreStatus s : status.stores()) {
            out.addStores(StoreStatus.newBuilder().setStore(PartitionMapProtos.toProto(s.store()))
                    .setHeartbeatAgeMs(s.heartbeatAgeMillis()).setReplicas(s.replicas()).setLeaders(s.leaders())
                    .setOpsPerSecond(s.opsPerSecond()).setMemoryBudgetBytes(s.memoryBudgetBytes())
                    .setReservedBytes(s.reservedBytes()).setDataBytes(s.dataBytes()));
        }
        for (ClusterStatus.ShardStatus s : status.shards()) {
            out.addShards(ShardStatus.newBuilder().setPlacement(PartitionMapProtos.toProto(s.shard()))
                    .setOpsPerSecond(s.opsPerSecond()).setEntries(s.entries()).setBytes(s.bytes())
                    .setKeyShare(s.keyShare()));
        }
        for (Operator op : status.operators()) {
            out.addOperators(PlacementStateProtos.toProto(op));
        }
        out.addAllMembers(members(membership));
        return out.build();
    }

    static List<PlacementMember> members(PlacementMembership membership) {
        Optional<PdMember> leader = membership.leader();
        return membership.members().stream().map(m -> PlacementMember.newBuilder().setId(m.id())
                .setGrpcAddress(m.grpcAddress()).setLeader(leader.isPresent() && leader.get().id().equals(m.id()))
                .build()).toList();
    }
}
