package io.ringcache.shard.adapter.ratis;

import static io.ringcache.shard.adapter.ratis.MultiGroupRaftIT.assertValue;
import static io.ringcache.shard.adapter.ratis.MultiGroupRaftIT.put;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringcache.shard.core.ShardDigest;
import io.ringcache.shard.core.ShardLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Moving a shard replica with Raft membership changes, as placement will: a fourth store joins
 * the group, catches up, and a first store leaves; no acknowledged write is lost and the new
 * replica holds the same content as the others.
 */
class MembershipChangeIT {

    @Test
    void aReplicaMovesToANewStore() throws Exception {
        try (RatisCluster cluster = new RatisCluster(4, t -> t.withSnapshots(100, 16 * 1024), ShardLimits.withBudget(64L << 20))) {
            List<ShardGroupHost.Replica> first = cluster.replicas.subList(0, 3);
            for (int i = 0; i < 3; i++) {
                cluster.host(i).addShard(0, first);
            }
            for (int k = 0; k < 300; k++) {
                put(cluster, 0, "k" + k, "v" + k);
            }
            List<ShardGroupHost.Replica> all = cluster.replicas;
            cluster.host(3).addShard(0, all);
            cluster.host(cluster.leaderOf(0)).changeReplicas(0, all);
            assertEquals(all, cluster.host(cluster.leaderOf(0)).replicas(0));

            List<ShardGroupHost.Replica> moved = cluster.replicas.subList(1, 4);
            cluster.host(cluster.leaderOf(0)).changeReplicas(0, moved);
            RatisCluster.awaitTrue("store 0 out of the group", () -> cluster.host(1).replicas(0).equals(moved));
            cluster.host(0).removeShard(0);

            put(cluster, 0, "after", "move");
            assertValue(cluster, 0, "k299", "v299");
            assertValue(cluster, 0, "after", "move");
            RatisCluster.awaitTrue("identical replicas on stores 1-3", () -> {
                ShardDigest d1 = ShardDigest.of(cluster.host(1).engine(0).orElseThrow().store());
                return d1.equals(ShardDigest.of(cluster.host(2).engine(0).orElseThrow().store()))
                        && d1.equals(ShardDigest.of(cluster.host(3).engine(0).orElseThrow().store()))
                        && d1.entries() == 301;
            });
        }
    }
}
