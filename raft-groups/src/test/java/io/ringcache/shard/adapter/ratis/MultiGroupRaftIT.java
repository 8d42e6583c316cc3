package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.ShardDigest;
import io.ringcache.shard.core.ShardError;
import io.ringcache.shard.core.ShardLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Real Ratis on loopback: three servers in one JVM hosting 16 shard groups. Writes reach every
 * group; the server leading the most shards stops and writes continue under new leaders, reads
 * after acknowledged writes see them; it restarts and catches up, by log on lightly written
 * shards and by snapshot install on shards whose log the leaders purged; every replica of every
 * group ends with identical content.
 */
class MultiGroupRaftIT {

    private static final int SHARDS = 16;
    /** Shards below this get enough writes while a server is down to be snapshotted and purged. */
    private static final int HEAVY = 8;

    @Test
    void survivesLosingAServerAndCatchesUpByLogAndBySnapshot() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3, t -> t.withSnapshots(200, 16 * 1024),
                ShardLimits.withBudget(64L << 20))) {
            cluster.addShards(SHARDS);
            for (int shard = 0; shard < SHARDS; shard++) {
                for (int k = 0; k < 20; k++) {
                    put(cluster, shard, "before-" + k, "v" + k);
                }
            }

            int victim = hostLeadingMostShards(cluster);
            cluster.stop(victim);

            for (int shard = 0; shard < SHARDS; shard++) {
                int writes = shard < HEAVY ? 600 : 10;
                for (int k = 0; k < writes; k++) {
                    put(cluster, shard, "during-" + k, "value-" + k);
                }
                // Read-your-write right after the leader change.
                assertValue(cluster, shard, "during-" + (writes - 1), "value-" + (writes - 1));
                assertValue(cluster, shard, "before-3", "v3");
            }

            cluster.restart(victim);
            for (int shard = 0; shard < SHARDS; shard++) {
                awaitIdenticalReplicas(cluster, shard);
            }
            long installed = 0;
            for (int shard = 0; shard < HEAVY; shard++) {
                installed += cluster.host(victim).installedSnapshots(shard);
            }
            assertTrue(installed > 0, "the restarted server installed no snapshot");
            for (int shard = HEAVY; shard < SHARDS; shard++) {
                assertEquals(0, cluster.host(victim).installedSnapshots(shard), "shard " + shard + " should catch up by log");
            }

            // The restarted server serves: make it lead a shard and read through it.
            int shard = 3;
            int leader = cluster.leaderOf(shard);
            if (leader != victim) {
                cluster.host(leader).transferLeadership(shard, cluster.host(victim).peerId(), 10_000);
            }
            assertValue(cluster, shard, "during-599", "value-599");
            put(cluster, shard, "after", "restart");
            assertValue(cluster, shard, "after", "restart");
        }
    }

    @Test
    void aStoppingHostHandsEveryLeadershipAwayAtOnceAndKeepsTheData() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            cluster.addShards(SHARDS);
            for (int shard = 0; shard < SHARDS; shard++) {
                put(cluster, shard, "k", "v" + shard);
            }
            final int stepping = 0;
            for (int shard = 0; shard < SHARDS; shard++) {
                int leader = cluster.leaderOf(shard);
                if (leader != stepping) {
                    cluster.host(leader).transferLeadership(shard, cluster.host(stepping).peerId(), 10_000);
                }
            }
            ShardGroupHost host = cluster.host(stepping);
            RatisCluster.awaitTrue("host " + stepping + " leads every shard",
                    () -> host.hostedShards().stream().allMatch(s -> host.isReadyLeader(s)));

            List<Integer> kept = host.handOffLeaders(java.time.Duration.ofSeconds(20));

            assertEquals(List.of(), kept);
            for (int shard = 0; shard < SHARDS; shard++) {
                int s = shard;
                RatisCluster.awaitTrue("shard " + s + " led by another host", () -> cluster.leaderOf(s) != stepping);
                assertValue(cluster, shard, "k", "v" + shard);
            }
        }
    }

    @Test
    void malformedProposalsAreRefusedWithoutHarm() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            cluster.addShards(1);
            put(cluster, 0, "k", "v");
            ShardGroupHost leader = cluster.host(cluster.leaderOf(0));
            byte[] unknownVersion = CommandCodec.encode(new Command.Delete(bytes("k")));
            unknownVersion[0] = 9;
            for (byte[] bad : List.of(new byte[0], new byte[] {1, 1, 0}, unknownVersion)) {
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> leader.submit(0, bad).get(10, TimeUnit.SECONDS));
                ShardCallException s = assertInstanceOf(ShardCallException.class, e.getCause());
                assertEquals(ShardCallException.Reason.INVALID_ARGUMENT, s.reason(), s.getMessage());
            }
            List<CommandResult> oversize = cluster.write(0, List.of(new Command.Put(new byte[5000], bytes("v"), 0)));
            assertEquals(ShardError.KEY_TOO_LARGE, ((CommandResult.Rejected) oversize.get(0)).error());
            assertValue(cluster, 0, "k", "v");
        }
    }

    @Test
    void theLargestAllowedValueFitsOneEntryAndOversizedEntriesAreRefusedBeforeRatis() throws Exception {
        ShardLimits limits = ShardLimits.withBudget(64L << 20);
        try (RatisCluster cluster = new RatisCluster(3, t -> t, limits)) {
            cluster.addShards(1);
            byte[] largest = new byte[limits.maxValueBytes()];
            largest[largest.length - 1] = 7;
            byte[] longestKey = new byte[limits.maxKeyBytes()];
            List<CommandResult> written = cluster.write(0, List.of(new Command.Tagged(1, 1,
                    new Command.Put(longestKey, largest, 60_000))));
            assertInstanceOf(CommandResult.Written.class, written.get(0));

            int leader = cluster.leaderOf(0);
            List<Command.Put> three = List.of(new Command.Put(bytes("a"), largest, 0),
                    new Command.Put(bytes("b"), largest, 0), new Command.Put(bytes("c"), largest, 0));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> cluster.host(leader).submit(0, List.of(new Command.BatchPut(three))).get(10, TimeUnit.SECONDS));
            ShardCallException s = assertInstanceOf(ShardCallException.class, e.getCause());
            assertEquals(ShardCallException.Reason.INVALID_ARGUMENT, s.reason(), s.getMessage());
            assertTrue(s.getMessage().contains("limit of one log entry"), s.getMessage());

            // The leader kept its leadership: Ratis never saw the entry.
            assertTrue(cluster.host(leader).isReadyLeader(0));
            put(cluster, 0, "after", "ok");
            assertEquals(leader, cluster.leaderOf(0));
            ResultCodec.Answer a = cluster.read(0, CommandCodec.encode(new Query.Get(longestKey)));
            assertArrayEquals(largest, assertInstanceOf(ResultCodec.Answer.Value.class, a).value().value());
        }
    }

    @Test
    void addingAGroupTwiceIsHarmlessAndRemovingDeletesIt() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            cluster.addShards(2);
            cluster.addShards(2);
            assertEquals(java.util.Set.of(0, 1), cluster.host(0).hostedShards());
            put(cluster, 1, "a", "b");
            for (int i = 0; i < 3; i++) {
                cluster.host(i).removeShard(1);
            }
            assertEquals(java.util.Set.of(0), cluster.host(0).hostedShards());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> cluster.host(0).addShard(5, List.of(new ShardGroupHost.Replica("elsewhere", "127.0.0.1:1"))));
        }
    }

    /**
     * kill -9 while an entry is being written leaves it torn at the end of the open log segment
     * (its checksum not yet written: zeros of the preallocated file). With Ratis' default policy
     * the whole server then refused to start ("Log entry corrupted: ... read checksum is
     * 00000000", found by the fault suite). The torn entry was never acknowledged; the replica
     * starts without it and the leader sends what it lacks.
     */
    @Test
    void aReplicaWhoseOpenLogSegmentEndsInATornEntryStartsAndCatchesUp() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            cluster.addShards(2);
            for (int k = 0; k < 20; k++) {
                put(cluster, 0, "k" + k, "v" + k);
            }
            awaitIdenticalReplicas(cluster, 0);
            cluster.stop(2);
            java.nio.file.Path group = cluster.storage(2).resolve(ShardGroups.groupId(0).getUuid().toString());
            // kill -9 takes no snapshot, a clean stop does: remove it, so the log is all there is (a
            // follower applies only flushed entries, so no snapshot ever covers a torn one).
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(group.resolve("sm"))) {
                for (java.nio.file.Path f : files.filter(f -> f.getFileName().toString().startsWith("snapshot.")).toList()) {
                    java.nio.file.Files.delete(f);
                }
            }
            java.nio.file.Path current = group.resolve("current");
            java.nio.file.Path open;
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(current)) {
                open = files.filter(f -> f.getFileName().toString().startsWith("log_inprogress_")).findFirst().orElseThrow();
            }
            // Zero the last four written bytes: the last entry's checksum, as a torn write leaves it.
            byte[] log = java.nio.file.Files.readAllBytes(open);
            int end = log.length;
            while (end > 0 && log[end - 1] == 0) {
                end--;
            }
            assertTrue(end > 8, "the open segment holds entries");
            java.util.Arrays.fill(log, end - 4, end, (byte) 0);
            java.nio.file.Files.write(open, log);

            cluster.restart(2);
            assertEquals(java.util.Set.of(0, 1), cluster.host(2).hostedShards());
            put(cluster, 0, "after", "restart");
            awaitIdenticalReplicas(cluster, 0);
            assertValue(cluster, 0, "k19", "v19");
        }
    }

    /**
     * What a write that failed on a full disk leaves behind on Ratis 3.3.0: an empty term-and-vote
     * file (UnreadableReplicas). Ratis alone then refuses to start the whole server; the host
     * moves that one replica aside, starts every other, and reports the shard lost so placement
     * replaces it, while the shard keeps serving from its other two replicas.
     */
    @Test
    void aReplicaWhoseTermAndVoteFileWasEmptiedIsSetAsideAndTheRestOfTheStoreStarts() throws Exception {
        try (RatisCluster cluster = new RatisCluster(3)) {
            cluster.addShards(2);
            put(cluster, 0, "a", "1");
            put(cluster, 1, "b", "2");
            cluster.stop(2);
            java.nio.file.Path meta = cluster.storage(2).resolve(ShardGroups.groupId(0).getUuid().toString())
                    .resolve("current").resolve("raft-meta");
            assertTrue(java.nio.file.Files.size(meta) > 0, meta + " holds a term and a vote before");
            java.nio.file.Files.write(meta, new byte[0]);

            cluster.restart(2);
            assertEquals(ShardGroupHost.Role.NOT_HOSTED, cluster.host(2).role(0));
            assertEquals(java.util.Set.of(0), cluster.host(2).lostShards());
            RatisCluster.awaitTrue("shard 1 recovered on the restarted host", () -> cluster.host(2).role(1) != ShardGroupHost.Role.NOT_HOSTED);
            assertValue(cluster, 0, "a", "1");
            put(cluster, 0, "a", "3");
            assertValue(cluster, 0, "a", "3");
            assertValue(cluster, 1, "b", "2");
        }
    }

    private static int hostLeadingMostShards(RatisCluster cluster) {
        int[] counts = new int[cluster.size()];
        for (int shard = 0; shard < SHARDS; shard++) {
            counts[cluster.leaderOf(shard)]++;
        }
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return best;
    }

    static void awaitIdenticalReplicas(RatisCluster cluster, int shard) {
        RatisCluster.awaitTrue("identical replicas of shard " + shard, () -> {
            List<Long> applied = new ArrayList<>();
            List<ShardDigest> digests = new ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                applied.add(cluster.host(i).appliedIndex(shard));
                digests.add(cluster.host(i).engine(shard).map(e -> ShardDigest.of(e.store())).orElse(null));
            }
            return applied.stream().distinct().count() == 1 && digests.stream().distinct().count() == 1
                    && digests.get(0) != null;
        });
    }

    static void put(RatisCluster cluster, int shard, String key, String value) {
        List<CommandResult> r = cluster.write(shard, List.of(new Command.Put(bytes(key), bytes(value), 0)));
        assertInstanceOf(CommandResult.Written.class, r.get(0));
    }

    static void assertValue(RatisCluster cluster, int shard, String key, String value) {
        ResultCodec.Answer a = cluster.read(shard, CommandCodec.encode(new Query.Get(bytes(key))));
        ResultCodec.Answer.Value v = assertInstanceOf(ResultCodec.Answer.Value.class, a);
        assertTrue(v.value() != null, "shard " + shard + " lost " + key);
        assertArrayEquals(bytes(value), v.value().value());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
