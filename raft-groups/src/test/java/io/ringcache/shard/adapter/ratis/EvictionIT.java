package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.EvictionPolicy;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.Query;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Eviction through Raft on three real Ratis hosts: two shards of 1 MiB under allkeys-lru take
 * four times that from concurrent writers, with the leadership of one moved in the middle. No
 * write is refused, every replica of a shard ends with the same content (the leader chose the
 * victims, every replica removed them), no shard passes its budget, and the newest keys remain.
 */
class EvictionIT {

    private static final long BUDGET = 1L << 20;
    private static final int VALUE = 4 << 10;
    private static final int WRITES = (int) (4 * BUDGET / VALUE); // per shard

    @Test
    void evictionsReachEveryReplicaThroughALeaderChange() throws Exception {
        ShardLimits limits = ShardLimits.withBudget(BUDGET).withEvictionPolicy(EvictionPolicy.ALLKEYS_LRU);
        try (RatisCluster cluster = new RatisCluster(3, t -> t, limits)) {
            cluster.addShards(2);
            ExecutorService writers = Executors.newFixedThreadPool(2);
            try {
                List<Future<Integer>> refused = new ArrayList<>();
                for (int shard = 0; shard < 2; shard++) {
                    int s = shard;
                    refused.add(writers.submit(() -> write(cluster, s)));
                }
                // Halfway through shard 0's writes (the budget is full by then), move its leadership.
                RatisCluster.awaitTrue("shard 0 evicting", () -> evicted(cluster, 0) > 0);
                int leader = cluster.leaderOf(0);
                ShardGroupHost to = cluster.host((leader + 1) % 3);
                cluster.host(leader).transferLeadership(0, to.peerId(), 10_000);
                for (Future<Integer> f : refused) {
                    assertEquals(0, f.get(120, TimeUnit.SECONDS), "writes refused");
                }
            } finally {
                writers.shutdownNow();
            }
            for (int shard = 0; shard < 2; shard++) {
                MultiGroupRaftIT.awaitIdenticalReplicas(cluster, shard);
                for (int i = 0; i < 3; i++) {
                    ShardEngine engine = cluster.host(i).engine(shard).orElseThrow();
                    assertTrue(engine.store().bytesUsed() <= BUDGET, "over budget: " + engine.store().bytesUsed());
                    assertTrue(engine.counters().evictedKeys() > 0, "replica " + i + " of shard " + shard + " evicted nothing");
                }
                for (int n = WRITES - 16; n < WRITES; n++) {
                    ResultCodec.Answer a = cluster.read(shard, CommandCodec.encode(new Query.Get(key(shard, n))));
                    assertTrue(((ResultCodec.Answer.Value) a).value() != null, "newest key " + n + " of shard " + shard + " evicted");
                }
            }
        }
    }

    private static int write(RatisCluster cluster, int shard) {
        int refused = 0;
        for (int n = 0; n < WRITES; n++) {
            List<CommandResult> r = cluster.write(shard, List.of(new Command.Put(key(shard, n), new byte[VALUE], 0)));
            if (!(r.get(0) instanceof CommandResult.Written)) {
                refused++;
                System.out.println("EvictionIT: shard " + shard + " write " + n + ": " + r.get(0));
            }
        }
        return refused;
    }

    private static long evicted(RatisCluster cluster, int shard) {
        long most = 0;
        for (int i = 0; i < 3; i++) {
            most = Math.max(most, cluster.host(i).engine(shard).map(e -> e.counters().evictedKeys()).orElse(0L));
        }
        return most;
    }

    private static byte[] key(int shard, int n) {
        return ("s" + shard + "-k" + n).getBytes(StandardCharsets.US_ASCII);
    }
}
