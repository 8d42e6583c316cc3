package io.ringcache.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.routing.TokenPlanner;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static final PartitionMap MAP = new PartitionMap(7, TokenPlanner.initial(0),
            Map.of(0, new ShardInfo(0, List.of("a", "b", "c"), "b", 3)),
            Map.of("a", store("a"), "b", store("b"), "c", store("c")));

    private static StoreInfo store(String id) {
        return new StoreInfo(id, id + ":9000", id + ":8080", id + ":11000", Map.of(), StoreState.UP);
    }

    private static ShardView local(boolean leads, boolean hosts, String leaderHint) {
        return new ShardView() {
            @Override
            public boolean isLeader(int shardId) {
                return leads;
            }

            @Override
            public boolean hosts(int shardId) {
                return hosts;
            }

            @Override
            public Optional<String> leaderOf(int shardId) {
                return Optional.ofNullable(leaderHint);
            }
        };
    }

    @Test
    void servesWhatItLeads() {
        assertEquals(new Route.Local(0), Router.route(MAP, 0, 0, false, false, local(true, true, "a")));
    }

    @Test
    void followerAndStaleReadsServeOnAnyReplica() {
        assertEquals(new Route.Local(0), Router.route(MAP, 0, 0, false, true, local(false, true, "b")));
        assertEquals(new Route.NotLeader(0, "b", "b:9000"), Router.route(MAP, 0, 0, false, false, local(false, true, "b")));
    }

    @Test
    void forwardsToTheLeaderTheReplicaKnowsElseTheMapsLeader() {
        assertEquals(new Route.Forward(0, "c", "c:9000"), Router.route(MAP, 0, 7, true, false, local(false, true, "c")));
        assertEquals(new Route.Forward(0, "b", "b:9000"), Router.route(MAP, 0, 7, true, false, local(false, false, null)));
    }

    @Test
    void staleCallersAreToldTheEpoch() {
        assertEquals(new Route.StaleEpoch(5, 7), Router.route(MAP, 0, 5, false, false, local(false, false, null)));
        assertEquals(new Route.NotLeader(0, "b", "b:9000"), Router.route(MAP, 0, 7, false, false, local(false, false, null)));
    }

    @Test
    void noKnownLeader() {
        PartitionMap leaderless = MAP.withShard(MAP.shard(0).orElseThrow().withLeader(""));
        assertEquals(new Route.NotLeader(0, "", ""), Router.route(leaderless, 0, 0, false, false, local(false, false, null)));
        assertEquals(Route.Unavailable.class, Router.route(leaderless, 0, 0, true, false, local(false, false, null)).getClass());
    }
}
