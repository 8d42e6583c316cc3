package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A follower whose connection from the leader froze and never recovers (the healed partition of
 * chaos/README.md, findings 16 and 18) gets a new connection and catches up, so that the leader
 * keeps its majority through it when the other follower goes.
 */
class StalledConnectionIT {

    private static final int SHARD = 0;

    @Test
    void aFollowerBehindAFrozenConnectionCatchesUpOverANewOneAndCarriesTheMajority() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3);
             FreezableLink link = new FreezableLink(cluster.host(2).raftPort())) {
            // Every peer reaches s2 through the link; s2 reaches the others directly.
            cluster.replicas.set(2, new ShardGroupHost.Replica("s2", "127.0.0.1:" + link.port()));
            cluster.addShards(1);
            int leader = cluster.leaderOf(SHARD);
            if (leader == 2) {
                cluster.host(2).transferLeadership(SHARD, "s0", 10_000);
                RatisCluster.awaitTrue("s0 leads", () -> cluster.host(0).isReadyLeader(SHARD));
                leader = 0;
            }
            int other = 1 - leader;
            put(cluster, "before", 1);
            awaitCaughtUp(cluster, leader);

            link.freeze();
            int frozenConnections = link.accepted();
            // More than gRPC's 1 MiB flow-control window, so that the leader's append stream to s2
            // stops being ready and its appender waits inside its send loop.
            for (int i = 0; i < 48; i++) {
                put(cluster, "frozen-" + i, 64 * 1024);
            }
            link.thaw();
            long thawed = System.nanoTime();
            put(cluster, "after", 1);

            awaitCaughtUp(cluster, leader);
            System.out.printf("s2 caught up %d ms after the link thawed, over %d new connection(s)%n",
                    (System.nanoTime() - thawed) / 1_000_000, link.accepted() - frozenConnections);
            assertTrue(link.accepted() > frozenConnections, "s2 caught up without a new connection");

            cluster.stop(other);
            List<CommandResult> last = put(cluster, "without-" + other, 1);
            assertEquals(1, last.size());
            assertTrue(cluster.host(leader).isReadyLeader(SHARD) || cluster.host(2).isReadyLeader(SHARD),
                    "the shard is led by s" + leader + " or s2 after s" + other + " stopped");
        }
    }

    private static List<CommandResult> put(RatisCluster cluster, String key, int valueBytes) {
        return cluster.write(SHARD, List.of(new Command.Put(key.getBytes(StandardCharsets.UTF_8), new byte[valueBytes], 0)));
    }

    /** Waits until s2 has applied everything the leader has. */
    private static void awaitCaughtUp(RatisCluster cluster, int leader) {
        long target = cluster.host(leader).appliedIndex(SHARD);
        RatisCluster.awaitTrue("s2 applied through " + target, () -> cluster.host(2).appliedIndex(SHARD) >= target);
    }
}
