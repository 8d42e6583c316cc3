package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.ExpiryLag;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TTL reclamation on real Ratis: 10,000 keys over 4 shards expire over about 5 seconds
 * (2,000 keys/s, above the 100k keys/minute the issue names). Every replica ends empty, no read
 * returns an expired key, and the expiry lag (expiry time to reclamation, in log time) stays
 * under one second.
 */
class ExpiryLagIT {

    private static final int SHARDS = 4;
    private static final int KEYS_PER_SHARD = 2_500;

    @Test
    void expiredKeysAreReclaimedWithinASecond() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            cluster.addShards(SHARDS);
            for (int shard = 0; shard < SHARDS; shard++) {
                for (int from = 0; from < KEYS_PER_SHARD; from += 250) {
                    List<Command.Put> puts = new ArrayList<>();
                    for (int i = from; i < from + 250; i++) {
                        puts.add(new Command.Put(key(shard, i), new byte[100], 1_500 + 2L * i));
                    }
                    cluster.write(shard, List.of(new Command.BatchPut(puts)));
                }
            }
            RatisCluster.awaitTrue("every replica reclaimed every key", () -> {
                for (int h = 0; h < cluster.size(); h++) {
                    for (int shard = 0; shard < SHARDS; shard++) {
                        if (cluster.host(h).engine(shard).orElseThrow().store().size() != 0) {
                            return false;
                        }
                    }
                }
                return true;
            });
            long reclaimed = 0;
            long maxLag = 0;
            double meanLag = 0;
            for (int shard = 0; shard < SHARDS; shard++) {
                ExpiryLag lag = cluster.host(cluster.leaderOf(shard)).engine(shard).orElseThrow().expiryLag();
                reclaimed += lag.count();
                maxLag = Math.max(maxLag, lag.maxMillis());
                meanLag += lag.meanMillis() / SHARDS;
                ResultCodec.Answer.Value v = (ResultCodec.Answer.Value) cluster.read(shard,
                        CommandCodec.encode(new Query.Get(key(shard, 7))));
                assertNull(v.value(), "an expired key was returned");
            }
            System.out.printf("expiry lag over %d keys: max %d ms, mean %.1f ms%n", reclaimed, maxLag, meanLag);
            assertEquals((long) SHARDS * KEYS_PER_SHARD, reclaimed);
            assertTrue(maxLag < 1_000, "expiry lag reached " + maxLag + " ms");
        }
    }

    private static byte[] key(int shard, int i) {
        return String.format("s%d-key-%05d", shard, i).getBytes(StandardCharsets.UTF_8);
    }
}
