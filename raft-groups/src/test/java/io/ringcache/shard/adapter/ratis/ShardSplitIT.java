package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ShardError;
import io.ringcache.shard.core.SlotSet;
import io.ringcache.shard.core.SplitProposal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Splits on real Ratis groups (three hosts in one JVM): the child starts on every replica from the
 * parent's state at the split's entry, elects a leader, and serves the moved keys; the parent
 * refuses them; nothing acknowledged is lost, and a write the parent applied is answered by the
 * child when retried there.
 */
class ShardSplitIT {

    /** Slot 1 of 2: the upper half of the hash space moves. */
    private static final SlotSet UPPER_HALF = SlotSet.of(1, 1);

    @Test
    void aSplitUnderWritesLosesNothingAndServesMovedKeysFromTheChild() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            cluster.addShards(1);
            for (int i = 0; i < 500; i++) {
                MultiGroupRaftIT.put(cluster, 0, "pre-" + i, "v" + i);
            }
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong refusedByParent = new AtomicLong();
            Thread writer = new Thread(() -> {
                long sequence = 0;
                while (!stop.get()) {
                    String key = "w-" + sequence;
                    Command.Tagged put = new Command.Tagged(7, ++sequence,
                            new Command.Put(MultiGroupRaftIT.bytes(key), MultiGroupRaftIT.bytes("x" + sequence), 0));
                    CommandResult r = cluster.write(0, List.of(put)).get(0);
                    if (r instanceof CommandResult.Rejected x && x.error() == ShardError.WRONG_SHARD) {
                        refusedByParent.incrementAndGet();
                        r = cluster.write(1, List.of(put)).get(0); // the same client and sequence
                    }
                    assertInstanceOf(CommandResult.Written.class, r, key);
                    acknowledged.put(key, "x" + sequence);
                }
            }, "split-writer");
            writer.start();
            RatisCluster.awaitTrue("writes before the split", () -> acknowledged.size() >= 50);

            int leader = cluster.leaderOf(0);
            long started = System.nanoTime();
            CommandResult.SplitDone done = cluster.host(leader).splits()
                    .split(0, 1, UPPER_HALF, List.of("s0", "s1", "s2")).get(30, TimeUnit.SECONDS);
            assertFalse(done.alreadyDone());
            assertTrue(done.movedKeys() > 0);
            cluster.leaderOf(1);
            long childLedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            int before = acknowledged.size();
            RatisCluster.awaitTrue("writes after the split", () -> acknowledged.size() >= before + 50);
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(writer.isAlive());
            System.out.printf("split moved %d keys; the child led %d ms after the call; %d writes refused by the parent%n",
                    done.movedKeys(), childLedMillis, refusedByParent.get());

            // The same split again changes nothing.
            assertTrue(cluster.host(cluster.leaderOf(0)).splits().split(0, 1, UPPER_HALF, List.of()).get(30, TimeUnit.SECONDS)
                    .alreadyDone());

            for (int i = 0; i < 500; i++) {
                assertReadable(cluster, "pre-" + i, "v" + i);
            }
            acknowledged.forEach((k, v) -> assertReadable(cluster, k, v));
            MultiGroupRaftIT.awaitIdenticalReplicas(cluster, 0);
            MultiGroupRaftIT.awaitIdenticalReplicas(cluster, 1);

            // A host restarted after the split comes back with both replicas and the same content.
            cluster.stop(2);
            cluster.restart(2);
            MultiGroupRaftIT.awaitIdenticalReplicas(cluster, 0);
            MultiGroupRaftIT.awaitIdenticalReplicas(cluster, 1);
        }
    }

    /**
     * The replica that led the parent stands for the child's first election as soon as the child
     * is started (ChildCampaigns). Ratis reads the first-election timeout from the server's
     * properties each time a division starts waiting, so setting it to ten minutes after the
     * parent has its leader leaves the children's timers out of it: the child leads within the
     * poll's deadline only by that campaign, and its leader is the parent's.
     */
    @Test
    void theParentsLeaderReplicaElectsTheChildWithoutWaitingForATimer() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            fillShardZero(cluster);
            int leader = cluster.leaderOf(0);
            for (int i = 0; i < 3; i++) {
                org.apache.ratis.conf.RaftProperties p = cluster.host(i).raftServer().getProperties();
                org.apache.ratis.server.RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p,
                        org.apache.ratis.util.TimeDuration.valueOf(10, TimeUnit.MINUTES));
                org.apache.ratis.server.RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p,
                        org.apache.ratis.util.TimeDuration.valueOf(11, TimeUnit.MINUTES));
            }
            cluster.host(leader).splits().split(0, 1, UPPER_HALF, List.of("s0", "s1", "s2")).get(30, TimeUnit.SECONDS);
            assertChildLedByParentsLeaderWithEveryKey(cluster, leader);
        }
    }

    /**
     * The parent's leader proposes the split only once a follower's copy is written too
     * ({@code SplitProposal}): its questions go to the other hosts' real copy states, through a
     * probe that answers COPYING for them until the test lets the real answers through.
     */
    @Test
    void theLeaderProposesTheSplitOnlyOnceAFollowersCopyIsWrittenToo() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            fillShardZero(cluster);
            int leader = cluster.leaderOf(0);
            Map<String, ShardGroupHost> hosts = new ConcurrentHashMap<>();
            for (int i = 0; i < 3; i++) {
                hosts.put(cluster.host(i).peerId(), cluster.host(i));
            }
            AtomicBoolean holding = new AtomicBoolean(true);
            List<Long> announcedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
            cluster.host(leader).splits().peerCopiesThrough((peer, parent, child, index) -> {
                announcedAt.add(index);
                SplitProposal.FollowerCopy real = hosts.get(peer).splits().copyState(parent, child, index);
                return java.util.concurrent.CompletableFuture.completedFuture(
                        holding.get() ? SplitProposal.FollowerCopy.COPYING : real);
            });
            java.util.concurrent.CompletableFuture<CommandResult.SplitDone> split =
                    cluster.host(leader).splits().split(0, 1, UPPER_HALF, List.of("s0", "s1", "s2"));
            // The leader asks only once its own copy is written; three rounds of two questions.
            RatisCluster.awaitTrue("the leader asking its followers", () -> announcedAt.size() >= 6);
            long index = announcedAt.get(0);
            for (ShardGroupHost h : hosts.values()) {
                RatisCluster.awaitTrue("every replica's copy written",
                        () -> h.splits().copyState(0, 1, index) == SplitProposal.FollowerCopy.COPIED);
            }
            assertFalse(split.isDone(), "proposed while the followers answered COPYING");
            assertEquals(SplitProposal.FollowerCopy.NONE, cluster.host(leader).splits().copyState(0, 1, index - 1),
                    "an earlier announcement, applied here without a copy of its own");

            holding.set(false);
            assertFalse(split.get(30, TimeUnit.SECONDS).alreadyDone());
            assertChildLedByParentsLeaderWithEveryKey(cluster, leader);
        }
    }

    @Test
    void aReplicaDownDuringTheSplitStartsTheChildWhenItComesBack() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            int down = splitWithAFollowerDown(cluster);
            for (int i = 200; i < 300; i++) {
                String key = "k-" + i;
                MultiGroupRaftIT.put(cluster, UPPER_HALF.containsKey(MultiGroupRaftIT.bytes(key)) ? 1 : 0, key, "v" + i);
            }
            cluster.restart(down);
            MultiGroupRaftIT.awaitIdenticalReplicas(cluster, 0);
            MultiGroupRaftIT.awaitIdenticalReplicas(cluster, 1);
            for (int i = 0; i < 300; i++) {
                assertReadable(cluster, "k-" + i, "v" + i);
            }
        }
    }

    /**
     * A parent replica that was down while its shard split and then caught up through a snapshot
     * (its leader's log no longer held the split's entry) never applied the split, so it wrote no
     * seed: it starts the child empty, as a voter that never voted, and the child's leader sends it
     * the child's state.
     */
    @Test
    void aReplicaThatLearnsOfTheSplitFromASnapshotStartsTheChildEmpty() throws Exception {
        // Snapshots every 200 entries and small log segments (as MultiGroupRaftIT's snapshot case),
        // so the split's entry is soon gone from the leader's log.
        try (RatisCluster cluster = new RatisCluster(3, t -> t.withSnapshots(200, 16 * 1024),
                io.ringcache.shard.core.ShardLimits.withBudget(64L << 20))) {
            int down = splitWithAFollowerDown(cluster);
            int written = 0;
            for (int i = 0; written < 600; i++) {
                String key = "after-" + i;
                if (!UPPER_HALF.containsKey(MultiGroupRaftIT.bytes(key))) { // the parent's keys: its log grows
                    MultiGroupRaftIT.put(cluster, 0, key, "a" + i);
                    written++;
                }
            }
            cluster.restart(down);
            MultiGroupRaftIT.awaitIdenticalReplicas(cluster, 0);
            assertTrue(cluster.host(down).installedSnapshots(0) > 0, "the parent's replica caught up through a snapshot");
            MultiGroupRaftIT.awaitIdenticalReplicas(cluster, 1);
            for (int i = 0; i < 200; i++) {
                assertReadable(cluster, "k-" + i, "v" + i);
            }

            // Had the store stopped after installing the parent's snapshot but before its ticker
            // started the child, the child's folder would not exist at the next start, and the store
            // could not tell that from a child it hosted once and gave away: it must not start the
            // child, and reports it lost so that placement replaces it.
            cluster.stop(down);
            java.nio.file.Path child = cluster.storage(down).resolve(ShardGroups.groupId(1).getUuid().toString());
            try (var files = java.nio.file.Files.walk(child)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
            cluster.restart(down);
            assertTrue(cluster.host(down).lostShards().contains(1), () -> "lost: " + cluster.host(down).lostShards());
            assertFalse(cluster.host(down).hostedShards().contains(1), "the store started a child it cannot vouch for");
            assertFalse(cluster.host(down).lostShards().contains(0));
        }
    }

    /**
     * Shard 0 with keys {@code k-0..k-199}, split into shard 1 (its upper half) while one follower
     * is stopped; returns that follower's index.
     */
    private static int splitWithAFollowerDown(RatisCluster cluster) throws Exception {
        cluster.addShards(1);
        for (int i = 0; i < 200; i++) {
            MultiGroupRaftIT.put(cluster, 0, "k-" + i, "v" + i);
        }
        int leader = cluster.leaderOf(0);
        int down = (leader + 1) % 3;
        cluster.stop(down);
        cluster.host(leader).splits().split(0, 1, UPPER_HALF, List.of("s0", "s1", "s2")).get(30, TimeUnit.SECONDS);
        return down;
    }

    /** Reads {@code key} from the shard that owns it after the split; the parent refuses it if it moved. */
    /** Shard 0 with keys k-0 to k-99 (values v0 to v99), about half of them in {@link #UPPER_HALF}. */
    private static void fillShardZero(RatisCluster cluster) throws Exception {
        cluster.addShards(1);
        for (int i = 0; i < 100; i++) {
            MultiGroupRaftIT.put(cluster, 0, "k-" + i, "v" + i);
        }
    }

    /** After splitting {@link #fillShardZero}'s shard into shard 1: every key reads back, and the child's replicas agree. */
    private static void assertChildLedByParentsLeaderWithEveryKey(RatisCluster cluster, int leader) throws Exception {
        assertEquals(leader, cluster.leaderOf(1), "the child's first leader is the parent's");
        for (int i = 0; i < 100; i++) {
            assertReadable(cluster, "k-" + i, "v" + i);
        }
        MultiGroupRaftIT.awaitIdenticalReplicas(cluster, 1);
    }

    private static void assertReadable(RatisCluster cluster, String key, String value) {
        byte[] k = MultiGroupRaftIT.bytes(key);
        boolean moved = UPPER_HALF.containsKey(k);
        MultiGroupRaftIT.assertValue(cluster, moved ? 1 : 0, key, value);
        if (moved) {
            try {
                cluster.host(cluster.leaderOf(0)).query(0, CommandCodec.encode(new Query.Get(k)), false).get(10, TimeUnit.SECONDS);
                throw new AssertionError("the parent served moved key " + key);
            } catch (ExecutionException e) {
                ShardCallException s = assertInstanceOf(ShardCallException.class, e.getCause());
                assertEquals(ShardCallException.Reason.WRONG_SHARD, s.reason());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }
}
