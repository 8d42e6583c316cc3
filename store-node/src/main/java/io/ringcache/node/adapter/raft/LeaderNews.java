package io.ringcache.node.adapter.raft;

import io.ringcache.node.adapter.grpc.PlacementClient;
import io.ringcache.node.core.RouteChanges;
import io.ringcache.shard.adapter.ratis.LeaderChangeListener;
import java.util.function.Supplier;

/**
 * What the store does when a replica here learns of a new leader ({@code ShardGroupHost#onLeaderChange},
 * on a Ratis thread, so both steps only hand the news on): requests held here for that shard's
 * leader go on at once ({@link RouteChanges}), and again once a leader here is ready to serve
 * (Ratis refuses it requests until then); and an election won here is reported to the
 * placement driver at once ({@link PlacementClient#heartbeatSoon}), so that other stores and
 * clients route to it within milliseconds instead of a heartbeat later.
 */
public final class LeaderNews implements LeaderChangeListener {

    private final RouteChanges routes;
    private final Supplier<PlacementClient> placement;

    /** @param placement the store's placement client, null until it is connected */
    public LeaderNews(RouteChanges routes, Supplier<PlacementClient> placement) {
        this.routes = routes;
        this.placement = placement;
    }

    @Override
    public void leaderChanged(int shardId, String leaderId, boolean electedHere) {
        routes.leaderChanged(shardId);
        PlacementClient client = placement.get();
        if (electedHere && client != null) {
            client.heartbeatSoon();
        }
    }

    /** A leader here serves from now on: requests held here that it refused as not ready go on. */
    @Override
    public void leaderReady(int shardId) {
        routes.leaderChanged(shardId);
    }
}
