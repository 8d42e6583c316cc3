package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.adapter.ratis.ShardGroupHost.Replica;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandBatch;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.SlotSet;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SplitSeeds}' files: what a parent's replica writes is exactly what the child's replica starts from. */
class SplitSeedsTest {

    private static final List<Replica> MEMBERS = List.of(new Replica("a", "127.0.0.1:1"), new Replica("b", "127.0.0.1:2"));

    @TempDir
    Path dir;

    @Test
    void aSeedBecomesTheChildsSnapshotByLinkWithItsDigest() throws Exception {
        List<Integer> seeded = new ArrayList<>();
        List<Integer> committed = new ArrayList<>();
        SplitSeeds seeds = new SplitSeeds("a", dir.resolve("splits"), (shard, e) -> {
            throw new AssertionError(e);
        }, () -> seeded.add(1), (parent, child) -> committed.add(parent));
        ShardEngine parent = parentWithKeys();
        Command.Split split = new Command.Split(9, SlotSet.of(1, 1),
                ChildMembers.encode(MEMBERS));
        byte[] expected = childSnapshot(parent, split);
        seeds.handOff(split, 42, parent);
        assertEquals(List.of(0), committed, "the parent shard is told before the seed is written");
        assertEquals(1, seeded.size());

        SplitSeeds.Seed seed = seeds.seed(9).orElseThrow();
        assertEquals(42, seed.splitIndex());
        assertEquals(MEMBERS, seed.members());
        Path target = dir.resolve("sm").resolve("snapshot.1_42");
        Files.createDirectories(target.getParent());
        SplitSeeds.placeSnapshot(seed, target);
        assertArrayEquals(expected, Files.readAllBytes(target));
        assertEquals(2, ((Number) Files.getAttribute(target, "unix:nlink")).intValue(), "linked, not copied");
        MD5FileUtil.verifySavedMD5(target.toFile(), seed.md5());

        seeds.done(seed);
        assertTrue(seeds.pending().isEmpty());
        assertArrayEquals(expected, Files.readAllBytes(target), "the child's snapshot outlives the seed");
    }

    @Test
    void aSeedOfTheFirstLayoutIsStillRead() throws Exception {
        SplitSeeds seeds = new SplitSeeds("a", dir, (shard, e) -> {
            throw new AssertionError(e);
        }, () -> { }, (parent, child) -> { });
        ShardEngine parent = parentWithKeys();
        Command.Split split = new Command.Split(9, SlotSet.of(1, 0), ChildMembers.encode(MEMBERS));
        byte[] snapshot = childSnapshot(parent, split);
        byte[] members = ChildMembers.encode(MEMBERS);
        ByteBuffer file = ByteBuffer.allocate(8 + 12 + members.length + snapshot.length).order(ByteOrder.LITTLE_ENDIAN);
        file.put("RCSEED01".getBytes(StandardCharsets.US_ASCII)).putLong(7).putInt(members.length).put(members).put(snapshot);
        Files.write(dir.resolve("shard-9.seed"), file.array());

        SplitSeeds.Seed seed = seeds.seed(9).orElseThrow();
        assertEquals(7, seed.splitIndex());
        Path target = dir.resolve("snapshot.1_7");
        SplitSeeds.placeSnapshot(seed, target);
        assertArrayEquals(snapshot, Files.readAllBytes(target));
        MD5FileUtil.verifySavedMD5(target.toFile(), MD5FileUtil.computeMd5ForFile(target.toFile()));
        assertEquals(List.of(9), seeds.pending().stream().map(SplitSeeds.Seed::childShard).toList());
    }

    @Test
    void anAnnouncedSplitFinishesItsBackgroundCopyIntoTheSameSeed() throws Exception {
        SplitSeeds seeds = new SplitSeeds("a", dir.resolve("splits"), (shard, e) -> {
            throw new AssertionError(e);
        }, () -> { }, (parent, child) -> { }, shard -> new HeapShardStore());
        SlotSet slots = SlotSet.of(1, 1);
        ShardEngine parent = new ShardEngine(0, new HeapShardStore(), ShardLimits.withBudget(1L << 30), seeds);
        ShardEngine reference = new ShardEngine(0, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        long index = 0;
        for (int i = 0; i < 200; i++) {
            applyBoth(parent, reference, ++index, new Command.Put(("k" + i).getBytes(StandardCharsets.UTF_8), new byte[100 + i], 0));
        }
        applyBoth(parent, reference, ++index, new Command.PrepareSplit(9, slots));
        assertEquals(200L, seeds.copies().copied(0, 9).get(10, java.util.concurrent.TimeUnit.SECONDS)
                + countOutside(reference, slots), "the copy holds the slots' entries");
        for (int i = 0; i < 200; i += 3) { // written after the copy: the merge takes them from the parent
            applyBoth(parent, reference, ++index, i % 2 == 0
                    ? new Command.Put(("k" + i).getBytes(StandardCharsets.UTF_8), ("new" + i).getBytes(StandardCharsets.UTF_8), 0)
                    : new Command.Delete(("k" + i).getBytes(StandardCharsets.UTF_8)));
        }
        Command.Split split = new Command.Split(9, slots, ChildMembers.encode(MEMBERS));
        byte[] visited = childSnapshot(reference, split);
        List<String> leaving = new ArrayList<>();
        List<String> leavingReference = new ArrayList<>();
        parent.apply(++index, new CommandBatch(5_000, List.of(split)), k -> leaving.add(new String(k, StandardCharsets.UTF_8)));
        reference.apply(index, new CommandBatch(5_000, List.of(split)),
                k -> leavingReference.add(new String(k, StandardCharsets.UTF_8)));
        assertEquals(new java.util.TreeSet<>(leavingReference), new java.util.TreeSet<>(leaving));
        assertEquals(reference.store().size(), parent.store().size());

        SplitSeeds.Seed seed = seeds.seed(9).orElseThrow();
        assertEquals(digestOf(visited), digestOf(Files.readAllBytes(seed.state())), "finished from the copy as visiting would have written");
        assertEquals(MD5FileUtil.computeMd5ForFile(seed.state().toFile()), seed.md5(), "the header holds the merged state's digest");
        SplitCopies.FilledStore filled = seeds.takeFilled(9).orElseThrow();
        assertEquals(index, filled.splitIndex(), "filled for the split's own entry");
        assertEquals(seed.md5(), filled.md5());
        assertEquals(digestOf(visited), io.ringcache.shard.core.ShardDigest.of(filled.store()),
                "the child's store filled ahead holds the seed's entries");
        assertTrue(seeds.takeFilled(9).isEmpty(), "handed over once");
        try (var files = Files.list(dir.resolve("splits"))) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".copy")), "no copy is left once the seed is finished");
        }
        seeds.close();
    }

    @Test
    void aSplitOfOtherSlotsThanAnnouncedIsWrittenByVisitingAndLeavesNoCopy() throws Exception {
        List<io.ringcache.shard.core.ShardStore> made = new ArrayList<>();
        SplitSeeds seeds = new SplitSeeds("a", dir.resolve("splits"), (shard, e) -> {
            throw new AssertionError(e);
        }, () -> { }, (parent, child) -> { }, shard -> {
            HeapShardStore store = new HeapShardStore();
            made.add(store);
            return store;
        });
        ShardEngine parent = new ShardEngine(0, new HeapShardStore(), ShardLimits.withBudget(1L << 30), seeds);
        ShardEngine reference = new ShardEngine(0, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        long index = 0;
        for (int i = 0; i < 100; i++) {
            applyBoth(parent, reference, ++index, new Command.Put(("k" + i).getBytes(StandardCharsets.UTF_8), new byte[10 + i], 0));
        }
        applyBoth(parent, reference, ++index, new Command.PrepareSplit(9, SlotSet.of(2, 1)));
        seeds.copies().copied(0, 9).get(10, java.util.concurrent.TimeUnit.SECONDS);
        // A later announcement replaces the first; the split then names yet other slots.
        applyBoth(parent, reference, ++index, new Command.PrepareSplit(9, SlotSet.of(2, 1, 2)));
        seeds.copies().copied(0, 9).get(10, java.util.concurrent.TimeUnit.SECONDS);
        Command.Split split = new Command.Split(9, SlotSet.of(1, 1), ChildMembers.encode(MEMBERS));
        byte[] visited = childSnapshot(reference, split);
        parent.apply(++index, new CommandBatch(5_000, List.of(split)));
        reference.apply(index, new CommandBatch(5_000, List.of(split)));

        assertEquals(digestOf(visited), digestOf(Files.readAllBytes(seeds.seed(9).orElseThrow().state())));
        assertTrue(seeds.takeFilled(9).isEmpty(), "no store filled for other slots is handed over");
        assertEquals(reference.store().size(), parent.store().size());
        RatisCluster.awaitTrue("both copies' files deleted", () -> {
            try (var files = Files.list(dir.resolve("splits"))) {
                return files.noneMatch(f -> f.toString().endsWith(".copy"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(2, made.size());
        seeds.close();
    }

    private static void applyBoth(ShardEngine a, ShardEngine b, long index, Command command) {
        a.apply(index, new CommandBatch(1_000 + index, List.of(command)));
        b.apply(index, new CommandBatch(1_000 + index, List.of(command)));
    }

    private static long countOutside(ShardEngine engine, SlotSet slots) {
        long[] n = {0};
        io.ringcache.shard.core.SlotSet.KeyProbe probe = new io.ringcache.shard.core.SlotSet.KeyProbe();
        engine.store().forEach((k, v, version, expiresAt) -> {
            if (!probe.contains(slots, k)) {
                n[0]++;
            }
        });
        return n[0];
    }

    private static io.ringcache.shard.core.ShardDigest digestOf(byte[] snapshot) throws Exception {
        ShardEngine child = new ShardEngine(9, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        io.ringcache.shard.core.ShardSnapshot.restore(child, Channels.newChannel(new java.io.ByteArrayInputStream(snapshot)));
        return io.ringcache.shard.core.ShardDigest.of(child.store()); // the content (a format-04 seed records its records' digest)
    }

    private static ShardEngine parentWithKeys() {
        ShardEngine parent = new ShardEngine(0, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        for (int i = 0; i < 200; i++) {
            parent.apply(i + 1, new CommandBatch(1_000 + i, List.of(
                    new Command.Put(("k" + i).getBytes(StandardCharsets.UTF_8), new byte[100 + i], 0))));
        }
        return parent;
    }

    private static byte[] childSnapshot(ShardEngine parent, Command.Split split) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        io.ringcache.shard.core.ShardSnapshot.writeChild(parent, split, Channels.newChannel(out));
        return out.toByteArray();
    }
}
