package io.ringcache.node.core;

import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import java.util.Optional;

/**
 * Decides where a request goes. Pure: the same map, request and local view give the same route.
 *
 * <ul>
 *   <li>A write or linearizable read is served here when this store leads the shard; a follower
 *       or stale read when this store has any replica of it.</li>
 *   <li>Otherwise, a request flagged {@code forward} goes to the leader's store (as the local
 *       replica knows it, else as the map reports it); without the flag the caller is told
 *       NotLeader with that hint, or StaleEpoch when it routed with an older map.</li>
 * </ul>
 */
public final class Router {

    private Router() {
    }

    public static Route route(PartitionMap map, int shardId, long requestEpoch, boolean forward,
                              boolean anyReplica, ShardView local) {
        if (local.isLeader(shardId) || (anyReplica && local.hosts(shardId))) {
            return new Route.Local(shardId);
        }
        Optional<StoreInfo> leader = leader(map, shardId, local);
        if (forward) {
            return leader.<Route>map(s -> new Route.Forward(shardId, s.id(), s.grpcAddress()))
                    .orElseGet(() -> new Route.Unavailable(shardId, "shard " + shardId + " has no known leader"));
        }
        if (requestEpoch != 0 && requestEpoch < map.epoch()) {
            return new Route.StaleEpoch(requestEpoch, map.epoch());
        }
        return leader.<Route>map(s -> new Route.NotLeader(shardId, s.id(), s.grpcAddress()))
                .orElseGet(() -> new Route.NotLeader(shardId, "", ""));
    }

    /** The shard leader's store as this store knows it: its own replica's view, else the map's. */
    public static Optional<StoreInfo> leader(PartitionMap map, int shardId, ShardView local) {
        Optional<String> id = local.leaderOf(shardId);
        if (id.isEmpty()) {
            id = map.shard(shardId).map(ShardInfo::leader).filter(l -> !l.isEmpty());
        }
        return id.flatMap(map::store);
    }
}
