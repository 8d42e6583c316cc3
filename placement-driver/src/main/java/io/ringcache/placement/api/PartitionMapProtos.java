package io.ringcache.placement.api;

import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.proto.v1.Ring;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.Store;
import io.ringcache.routing.HashRing;
import java.util.Map;
import java.util.TreeMap;

/** Converts the partition map between its domain form and the wire's {@code ringcache.v1.PartitionMap}. */
public final class PartitionMapProtos {

    private PartitionMapProtos() {
    }

    public static io.ringcache.proto.v1.PartitionMap toProto(PartitionMap map) {
        Ring.Builder ring = Ring.newBuilder();
        for (int i = 0; i < map.ring().size(); i++) {
            ring.addTokens(map.ring().token(i)).addShardIds(map.ring().owner(i));
        }
        io.ringcache.proto.v1.PartitionMap.Builder out = io.ringcache.proto.v1.PartitionMap.newBuilder()
                .setEpoch(map.epoch()).setRing(ring);
        for (ShardInfo s : map.shards().values()) {
            out.addShards(ShardPlacement.newBuilder().setShardId(s.id()).addAllReplicas(s.replicas())
                    .addAllLearners(s.learners()).setLeader(s.leader()).setConfVersion(s.confVersion()));
        }
        for (StoreInfo s : map.stores().values()) {
            out.addStores(toProto(s));
        }
        return out.build();
    }

    public static Store toProto(StoreInfo s) {
        return Store.newBuilder().setId(s.id()).setGrpcAddress(s.grpcAddress()).setHttpAddress(s.httpAddress())
                .setRaftAddress(s.raftAddress()).putAllLabels(s.labels()).setState(toProto(s.state())).build();
    }

    /**
     * The domain map of a wire map.
     *
     * @throws IllegalArgumentException when the wire map is inconsistent (bad ring, unknown stores)
     */
    public static PartitionMap fromProto(io.ringcache.proto.v1.PartitionMap p) {
        long[] tokens = new long[p.getRing().getTokensCount()];
        int[] owners = new int[p.getRing().getShardIdsCount()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = p.getRing().getTokens(i);
        }
        for (int i = 0; i < owners.length; i++) {
            owners[i] = p.getRing().getShardIds(i);
        }
        Map<Integer, ShardInfo> shards = new TreeMap<>();
        for (ShardPlacement s : p.getShardsList()) {
            shards.put(s.getShardId(), new ShardInfo(s.getShardId(), s.getReplicasList(), s.getLearnersList(), s.getLeader(),
                    s.getConfVersion()));
        }
        Map<String, StoreInfo> stores = new TreeMap<>();
        for (Store s : p.getStoresList()) {
            stores.put(s.getId(), fromProto(s));
        }
        return new PartitionMap(p.getEpoch(), HashRing.of(tokens, owners), shards, stores);
    }

    public static StoreInfo fromProto(Store s) {
        return new StoreInfo(s.getId(), s.getGrpcAddress(), s.getHttpAddress(), s.getRaftAddress(),
                s.getLabelsMap(), fromProto(s.getState()));
    }

    public static ShardPlacement toProto(ShardInfo s) {
        return ShardPlacement.newBuilder().setShardId(s.id()).addAllReplicas(s.replicas()).addAllLearners(s.learners())
                .setLeader(s.leader()).setConfVersion(s.confVersion()).build();
    }

    private static io.ringcache.proto.v1.StoreState toProto(StoreState state) {
        switch (state) {
            case UP: return io.ringcache.proto.v1.StoreState.STORE_STATE_UP;
            case DOWN: return io.ringcache.proto.v1.StoreState.STORE_STATE_DOWN;
            case DRAINING: return io.ringcache.proto.v1.StoreState.STORE_STATE_DRAINING;
            default: return io.ringcache.proto.v1.StoreState.STORE_STATE_REMOVED;
        }
    }

    private static StoreState fromProto(io.ringcache.proto.v1.StoreState state) {
        switch (state) {
            case STORE_STATE_DOWN: return StoreState.DOWN;
            case STORE_STATE_DRAINING: return StoreState.DRAINING;
            case STORE_STATE_REMOVED: return StoreState.REMOVED;
            default: return StoreState.UP;
        }
    }
}
