package io.ringcache.shard.adapter.ratis;

import static io.ringcache.shard.adapter.ratis.MultiGroupRaftIT.assertValue;
import static io.ringcache.shard.adapter.ratis.MultiGroupRaftIT.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.ShardLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.junit.jupiter.api.Test;

/**
 * The group lifecycle behind placement's repair, step by step as the placement driver calls it,
 * on real Ratis servers: a replica moves to a new store as a learner that is then promoted, the
 * store it left drops the group, the new store dies, and the replica moves back to the store that
 * hosted it before, while the shard is at rest (no writes). Every membership change must finish
 * within a bound; on Ratis 3.3.0 without {@link ShardMembership}'s care the repair's first change
 * failed (the dead voter, promoted from listener by this leader, still counted as bootstrapping)
 * and every later one answered "Reconfiguration is already in progress" forever.
 */
class ReplicaLifecycleIT {

    /** What placement allows a repair: the bar for a cluster that heals itself. */
    private static final Duration REPAIR_BOUND = Duration.ofSeconds(30);
    private static final Duration ELECTION_TIMEOUT_MAX = Duration.ofMillis(2000);
    private static final Duration PLACEMENT_REPAIR_DELAY = ELECTION_TIMEOUT_MAX.multipliedBy(3).dividedBy(2);

    /** Through {@link ShardGroupHost#changeReplicas}, as placement calls it: no change even fails. */
    @Test
    void aReplicaMovesBackToItsFormerStoreAfterTheStoreThatTookItDies() throws Exception {
        List<String> failures = moveThenRepairAtRest(false);
        assertEquals(List.of(), failures, "no membership change of the repair should fail");
    }

    /**
     * The learner promoted in place with Ratis' own call, which leaves it "bootstrapping" in this
     * leader: the repair's first change may fail (NOPROGRESS), and the retry must still finish
     * at rest, which it only does because pending changes propose empty entries.
     */
    @Test
    void aStagingAtRestEndsEvenAfterAnInPlacePromotion() throws Exception {
        moveThenRepairAtRest(true);
    }

    /** Four hosts with 1-2 s election timeouts (a 6 s staging timeout). */
    private static RatisCluster newCluster() throws java.io.IOException {
        return new RatisCluster(4, t -> t.withElectionTimeouts(Duration.ofMillis(1000), ELECTION_TIMEOUT_MAX),
                ShardLimits.withBudget(64L << 20));
    }

    /** Returns the failed attempts of the repair's membership changes. */
    private static List<String> moveThenRepairAtRest(boolean promoteInPlace) throws Exception {
        try (RatisCluster cluster = newCluster()) {
            List<ShardGroupHost.Replica> first = cluster.replicas.subList(0, 3);
            for (int i = 0; i < 3; i++) {
                cluster.host(i).addShard(0, first);
            }
            for (int k = 0; k < 50; k++) {
                put(cluster, 0, "k" + k, "v" + k);
            }
            int leader = cluster.leaderOf(0);
            int moved = (leader + 1) % 3;
            ShardGroupHost.Replica newcomer = cluster.replicas.get(3);

            // Rebalance: the follower's replica moves to store 3 through the leader, learner first.
            List<ShardGroupHost.Replica> withNewcomer = new ArrayList<>(first);
            withNewcomer.add(newcomer);
            cluster.host(3).addShard(0, first, List.of(newcomer));
            cluster.host(leader).changeReplicas(0, first, List.of(newcomer));
            RatisCluster.awaitTrue("the learner caught up", () -> cluster.host(3).appliedIndex(0) >= cluster.host(leader).appliedIndex(0));
            if (promoteInPlace) {
                promoteWithRatisAlone(cluster.host(leader), withNewcomer);
            } else {
                cluster.host(leader).changeReplicas(0, withNewcomer);
            }
            List<ShardGroupHost.Replica> afterMove = without(withNewcomer, cluster.replicas.get(moved));
            cluster.host(leader).changeReplicas(0, afterMove);
            cluster.host(moved).removeShard(0);
            assertEquals(leader, cluster.leaderOf(0), "the test needs the leader that staged the learner");

            // Store 3 dies at rest; its replica goes back to the store that just dropped the group.
            // Placement repairs only after a store has been silent for a while (-down_after plus
            // -repair_after); model that wait, longer than the leader's idea of a live peer (the
            // election timeout) and shorter than Ratis' staging timeout (3x it).
            cluster.stop(3);
            Thread.sleep(PLACEMENT_REPAIR_DELAY.toMillis());
            long started = System.nanoTime();
            ShardGroupHost.Replica former = cluster.replicas.get(moved);
            cluster.host(moved).addShard(0, afterMove, List.of(former));
            List<String> failures = new ArrayList<>();
            changeWithin(cluster, leader, afterMove, List.of(former), started, failures);
            RatisCluster.awaitTrue("the learner on the former store caught up",
                    () -> cluster.host(moved).appliedIndex(0) >= cluster.host(leader).appliedIndex(0));
            List<ShardGroupHost.Replica> repaired = new ArrayList<>(afterMove);
            repaired.add(former);
            changeWithin(cluster, leader, repaired, List.of(), started, failures);
            List<ShardGroupHost.Replica> healed = without(repaired, newcomer);
            changeWithin(cluster, leader, healed, List.of(), started, failures);

            assertEquals(sorted(healed), cluster.host(leader).replicas(0));
            assertTrue(cluster.host(leader).learners(0).isEmpty());
            for (int k = 0; k < 50; k++) {
                assertValue(cluster, 0, "k" + k, "v" + k);
            }
            // The promoted replica takes writes: the leader replicates to it as a voter.
            put(cluster, 0, "after", "repair");
            RatisCluster.awaitTrue("the repaired replica applies new writes",
                    () -> cluster.host(moved).appliedIndex(0) >= cluster.host(leader).appliedIndex(0));
            return failures;
        }
    }

    /** Ratis' plain call: the listener becomes a voter in one change, without a new staging. */
    private static void promoteWithRatisAlone(ShardGroupHost leader, List<ShardGroupHost.Replica> voters) throws Exception {
        SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(ShardMembership.peers(voters, RaftPeerRole.FOLLOWER)).build();
        RaftClientReply reply = leader.raftServer().setConfiguration(new SetConfigurationRequest(ClientId.randomId(),
                RaftPeerId.valueOf(leader.peerId()), ShardGroups.groupId(0), 1, args));
        assertTrue(reply.isSuccess(), () -> "in-place promotion failed: " + reply.getException());
    }

    /**
     * A learner's store dies after it hosts the group and before the leader adds it: the leader's
     * staging of a peer that never answers would hold every later change ("already in progress")
     * until a leader change. The change must fail within the bound, and placement's rollback (the
     * change without the learner, on whichever store leads then) must go through.
     */
    @Test
    void aLearnerWhoseStoreDiesBeforeItIsStagedIsAbortedAndRolledBack() throws Exception {
        try (RatisCluster cluster = newCluster()) {
            List<ShardGroupHost.Replica> voters = cluster.replicas.subList(0, 3);
            for (int i = 0; i < 3; i++) {
                cluster.host(i).addShard(0, voters);
            }
            put(cluster, 0, "before", "abort");
            ShardGroupHost.Replica learner = cluster.replicas.get(3);
            cluster.host(3).addShard(0, voters, List.of(learner));
            cluster.stop(3);
            long started = System.nanoTime();
            int leader = cluster.leaderOf(0);
            CompletableFuture<Void> add = CompletableFuture.runAsync(() -> {
                try {
                    cluster.host(leader).changeReplicas(0, voters, List.of(learner));
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> add.get(REPAIR_BOUND.toMillis(), TimeUnit.MILLISECONDS), "adding a dead learner must fail");
            assertTrue(refused.getCause().getMessage().contains("has not answered"), refused.getCause().getMessage());
            List<String> failures = new ArrayList<>();
            changeWithin(cluster, -1, voters, List.of(), started, failures);
            int now = cluster.leaderOf(0);
            assertEquals(sorted(voters), cluster.host(now).replicas(0));
            assertTrue(cluster.host(now).learners(0).isEmpty());
            assertValue(cluster, 0, "before", "abort");
            put(cluster, 0, "after", "abort");
        }
    }

    /**
     * Ratis' leader stops replicating to a voter it counts as bootstrapping when a later staging
     * fails while that voter is silent. Here the voter is promoted in place with Ratis' own call
     * (which leaves the flag), its store stops, a fifth store's staging fails over it, and the store
     * comes back: without a new leader it would never receive another entry. The host's
     * replication watch must hand leadership on, so the voter catches up again.
     */
    @Test
    void aVoterTheLeaderStoppedReplicatingToIsServedAgain() throws Exception {
        try (RatisCluster cluster = new RatisCluster(5, t -> t.withElectionTimeouts(Duration.ofMillis(1000),
                ELECTION_TIMEOUT_MAX), ShardLimits.withBudget(64L << 20))) {
            List<ShardGroupHost.Replica> first = cluster.replicas.subList(0, 3);
            for (int i = 0; i < 3; i++) {
                cluster.host(i).addShard(0, first);
            }
            put(cluster, 0, "k", "v");
            int leader = cluster.leaderOf(0);
            ShardGroupHost.Replica promoted = cluster.replicas.get(3);
            cluster.host(3).addShard(0, first, List.of(promoted));
            cluster.host(leader).changeReplicas(0, first, List.of(promoted));
            List<ShardGroupHost.Replica> four = cluster.replicas.subList(0, 4);
            promoteWithRatisAlone(cluster.host(leader), four);

            cluster.stop(3);
            Thread.sleep(PLACEMENT_REPAIR_DELAY.toMillis());
            ShardGroupHost.Replica fifth = cluster.replicas.get(4);
            cluster.host(4).addShard(0, four, List.of(fifth));
            try {
                cluster.host(leader).changeReplicas(0, four, List.of(fifth));
            } catch (java.io.IOException expected) {
                // NOPROGRESS over the silent voter: the leader has now stopped its appender to it
            }
            cluster.restart(3);
            put(cluster, 0, "after", "restart");
            RatisCluster.awaitTrue("the restarted voter applies the newest entry", () -> {
                int now = cluster.leaderOf(0);
                return cluster.host(3).appliedIndex(0) >= cluster.host(now).appliedIndex(0);
            });
        }
    }

    /**
     * One membership change as placement's step would make it: retried on failure (a new call
     * after a refused one), all of the repair within {@link #REPAIR_BOUND} of {@code started};
     * {@code leader} -1 asks whichever host leads at each attempt.
     */
    private static void changeWithin(RatisCluster cluster, int leader, List<ShardGroupHost.Replica> voters,
                                     List<ShardGroupHost.Replica> learners, long started, List<String> failures)
            throws Exception {
        while (true) {
            long left = REPAIR_BOUND.toNanos() - (System.nanoTime() - started);
            if (left <= 0) {
                throw new AssertionError("the repair did not finish within " + REPAIR_BOUND + "; attempts failed with " + failures);
            }
            CompletableFuture<Void> call = CompletableFuture.runAsync(() -> {
                try {
                    cluster.host(leader < 0 ? cluster.leaderOf(0) : leader).changeReplicas(0, voters, learners);
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            try {
                call.get(left, TimeUnit.NANOSECONDS);
                return;
            } catch (ExecutionException e) {
                failures.add(e.getCause().getMessage());
                Thread.sleep(200);
            } catch (TimeoutException e) {
                throw new AssertionError("a membership change hung past the repair bound of " + REPAIR_BOUND
                        + "; earlier attempts failed with " + failures);
            }
        }
    }

    private static List<ShardGroupHost.Replica> without(List<ShardGroupHost.Replica> replicas, ShardGroupHost.Replica gone) {
        List<ShardGroupHost.Replica> out = new ArrayList<>(replicas);
        out.remove(gone);
        return out;
    }

    private static List<ShardGroupHost.Replica> sorted(List<ShardGroupHost.Replica> replicas) {
        List<ShardGroupHost.Replica> out = new ArrayList<>(replicas);
        out.sort((a, b) -> a.peerId().compareTo(b.peerId()));
        return out;
    }
}
