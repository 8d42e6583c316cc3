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
        }, () -> seeded.add(1), committed::add);
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
        }, () -> { }, shard -> { });
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
