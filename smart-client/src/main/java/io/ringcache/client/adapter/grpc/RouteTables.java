package io.ringcache.client.adapter.grpc;

import io.ringcache.client.core.RouteTable;
import io.ringcache.proto.v1.PartitionMap;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.Store;
import io.ringcache.proto.v1.StoreState;
import io.ringcache.routing.HashRing;
import java.util.HashMap;
import java.util.Map;

/** Builds the client's {@link RouteTable} from the wire's partition map. */
final class RouteTables {

    private RouteTables() {
    }

    static RouteTable of(PartitionMap map) {
        long[] tokens = new long[map.getRing().getTokensCount()];
        int[] owners = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = map.getRing().getTokens(i);
            owners[i] = map.getRing().getShardIds(i);
        }
        Map<Integer, RouteTable.ShardRoute> shards = new HashMap<>();
        for (ShardPlacement s : map.getShardsList()) {
            shards.put(s.getShardId(), new RouteTable.ShardRoute(s.getShardId(), s.getReplicasList(), s.getLeader()));
        }
        Map<String, RouteTable.StoreRoute> stores = new HashMap<>();
        for (Store s : map.getStoresList()) {
            stores.put(s.getId(), new RouteTable.StoreRoute(s.getId(), s.getGrpcAddress(), s.getState() == StoreState.STORE_STATE_UP));
        }
        return new RouteTable(map.getEpoch(), HashRing.of(tokens, owners), shards, stores);
    }
}
