package io.ringcache.shard.adapter.ratis;

import static io.ringcache.shard.adapter.ratis.MultiGroupRaftIT.assertValue;
import static io.ringcache.shard.adapter.ratis.MultiGroupRaftIT.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.ShardLimits;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.Test;

/**
 * The Ratis 3.3.0 deadlock of a listener promoted to a voter ({@link ListenerPromotionDeadlocks};
 * chaos/README.md, finding 19), made to happen on purpose, and the replica freed from it.
 *
 * <p>How the test makes it happen: it holds the listener's division lock until the listener's
 * FollowerState thread wakes up and waits for that lock, then has the leader promote the
 * listener, so that the promoting append waits for the lock after the FollowerState thread did.
 * HotSpot hands a released lock to the thread that began waiting last, so the append takes it
 * first, stops the FollowerState and waits for it to end while holding the lock it waits for.
 * Without the release the replica stays wedged: it never applies another entry of the group.
 */
class ListenerPromotionDeadlockIT {

    private static final int SHARD = 0;

    @Test
    void aListenerWedgedWhilePromotedIsReleasedAndCatchesUp() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3,
                t -> t.withElectionTimeouts(Duration.ofMillis(1000), Duration.ofMillis(2000)),
                ShardLimits.withBudget(64L << 20))) {
            List<ShardGroupHost.Replica> voters = cluster.replicas.subList(0, 2);
            ShardGroupHost.Replica learner = cluster.replicas.get(2);
            cluster.host(0).addShard(SHARD, voters);
            cluster.host(1).addShard(SHARD, voters);
            put(cluster, SHARD, "before", "promotion");
            int leader = cluster.leaderOf(SHARD);
            cluster.host(2).addShard(SHARD, voters, List.of(learner));
            cluster.host(leader).changeReplicas(SHARD, voters, List.of(learner));
            awaitCaughtUp(cluster, leader);

            RaftServer.Division listener = cluster.host(2).division(SHARD).orElseThrow();
            RaftServer.Division follower = cluster.host(1 - leader).division(SHARD).orElseThrow();
            Thread followerState = followerStateOf("s2@");
            List<ShardGroupHost.Replica> all = new ArrayList<>(voters);
            all.add(learner);
            // The other voter's lock is held so that it cannot acknowledge the joint configuration
            // yet: the final configuration, which promotes the listener, waits until it does.
            CountDownLatch followerHeld = new CountDownLatch(1);
            CountDownLatch releaseFollower = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                synchronized (follower) {
                    followerHeld.countDown();
                    awaitQuietly(releaseFollower);
                }
            }, "holds-" + follower.getMemberId());
            holder.start();
            followerHeld.await();
            CompletableFuture<RaftClientReply> promotion;
            try {
                promotion = CompletableFuture.supplyAsync(() -> promoteInPlace(cluster.host(leader), all));
                RatisCluster.awaitTrue("the listener holds the joint configuration",
                        () -> !listener.getRaftConf().getPreviousPeers().isEmpty());
                synchronized (listener) {
                    RatisCluster.awaitTrue("the listener's FollowerState waits for the division lock",
                            () -> followerState.getState() == Thread.State.BLOCKED);
                    releaseFollower.countDown();
                    RatisCluster.awaitTrue("the promoting append waits for the division lock after it",
                            () -> stableVoters(cluster.host(leader).division(SHARD).orElseThrow().getRaftConf()) == 3
                                    && blockedOn(listener) >= 2);
                }
            } finally {
                releaseFollower.countDown();
                holder.join();
            }
            assertTrue(promotion.get(30, TimeUnit.SECONDS).isSuccess(), "the promotion commits on the two voters");
            boolean wedged = sawWedged(followerState);

            put(cluster, SHARD, "after", "promotion");
            awaitCaughtUp(cluster, leader);
            assertEquals(ShardGroupHost.Role.FOLLOWER, cluster.host(2).role(SHARD));
            System.out.printf("the promoting append %s the listener's FollowerState%n",
                    wedged ? "deadlocked with, and was freed from," : "did not deadlock with");
            assertTrue(wedged, "the test did not reproduce the deadlock");
            // The promoted replica votes: the group survives the loss of either other voter.
            cluster.stop(leader == 0 ? 1 : 0);
            put(cluster, SHARD, "one", "down");
            assertValue(cluster, SHARD, "before", "promotion");
        }
    }

    /** Ratis' own in-place promotion: one change, the listener becomes a voter. */
    private static RaftClientReply promoteInPlace(ShardGroupHost leader, List<ShardGroupHost.Replica> voters) {
        SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(ShardMembership.peers(voters, RaftPeerRole.FOLLOWER)).build();
        try {
            return leader.raftServer().setConfiguration(new SetConfigurationRequest(ClientId.randomId(),
                    RaftPeerId.valueOf(leader.peerId()), ShardGroups.groupId(SHARD), 1, args));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int stableVoters(RaftConfiguration conf) {
        return conf.getPreviousPeers().isEmpty() ? conf.getCurrentPeers(RaftPeerRole.FOLLOWER).size() : -1;
    }

    /** The one FollowerState thread of the host whose peer id starts the prefix. */
    private static Thread followerStateOf(String prefix) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getClass().getName().equals(ListenerPromotionDeadlocks.FOLLOWER_STATE) && t.getName().startsWith(prefix)) {
                found.add(t);
            }
        }
        assertEquals(1, found.size(), "FollowerState threads of " + prefix + ": " + found);
        return found.get(0);
    }

    /** Threads waiting for this object's lock. */
    private static int blockedOn(Object lock) {
        String name = lock.getClass().getName() + '@' + Integer.toHexString(System.identityHashCode(lock));
        int n = 0;
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            if (info.getThreadState() == Thread.State.BLOCKED && name.equals(info.getLockName())) {
                n++;
            }
        }
        return n;
    }

    /** Whether the stopped FollowerState was seen waiting on a lock whose owner joins it (polled for 3 s). */
    private static boolean sawWedged(Thread followerState) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until && followerState.isAlive()) {
            ThreadInfo info = mx.getThreadInfo(followerState.getId(), 0);
            if (info != null && info.getThreadState() == Thread.State.BLOCKED && info.getLockOwnerId() >= 0) {
                ThreadInfo owner = mx.getThreadInfo(info.getLockOwnerId(), 24);
                if (owner != null && ListenerPromotionDeadlocks.joinsUnderUpdateConfiguration(owner)) {
                    return true;
                }
            }
            Thread.sleep(5);
        }
        return false;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitCaughtUp(RatisCluster cluster, int leader) {
        long target = cluster.host(leader).appliedIndex(SHARD);
        RatisCluster.awaitTrue("s2 applied through " + target, () -> cluster.host(2).appliedIndex(SHARD) >= target);
    }
}
