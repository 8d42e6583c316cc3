package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A leader answers a linearizable read only after a majority confirmed it still leads, after the
 * read arrived. The fault suite caught Ratis 3.3.0's ReadIndex answering without any round when
 * the commit index had not moved since the last confirmed round, which is the state of a leader
 * cut off from its followers (and of a deposed one that has not heard of its successor): such a
 * leader served old values while a new leader took writes (chaos/README.md). Here the followers
 * are stopped right after a confirmed read: nothing can confirm the leader any more, so the next
 * read must not be answered. Before the read barrier it was answered at once, from the leader's
 * own state.
 */
class ReadBarrierIT {

    @Test
    void aLeaderThatLostItsFollowersAnswersNoLinearizableRead() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            cluster.addShards(1);
            MultiGroupRaftIT.put(cluster, 0, "k", "v1");
            MultiGroupRaftIT.assertValue(cluster, 0, "k", "v1");
            int leader = cluster.leaderOf(0);
            for (int i = 0; i < cluster.size(); i++) {
                if (i != leader) {
                    cluster.stop(i);
                }
            }
            byte[] get = CommandCodec.encode(new Query.Get(MultiGroupRaftIT.bytes("k")));
            CompletableFuture<ResultCodec.Answer> read = cluster.host(leader).query(0, get, false);
            // Within Ratis' 4 s lost-majority check the leader still believes it leads; whether the
            // read then times out or fails as NOT_LEADER, it must not succeed.
            try {
                ResultCodec.Answer answer = read.get(6, TimeUnit.SECONDS);
                throw new AssertionError("a leader without a majority answered a linearizable read: " + answer);
            } catch (ExecutionException | TimeoutException expected) {
                assertFalse(read.isDone() && !read.isCompletedExceptionally());
            }
            // A stale read (this replica's own state) is still served.
            ResultCodec.Answer stale = cluster.host(leader).query(0, get, true).get(5, TimeUnit.SECONDS);
            assertTrue(assertInstanceOf(ResultCodec.Answer.Value.class, stale).value() != null);
        }
    }
}
