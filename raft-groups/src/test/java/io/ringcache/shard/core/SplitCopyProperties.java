package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.core.CommandResult.SplitDone;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A split that merges a background copy ({@link SplitCopy}) against one that visits the store at
 * its entry ({@link ShardSnapshot#writeChild}), the reference: two replicas apply the same
 * entries, one copies the slots while entries keep applying between the entries its visit reads
 * (a concurrent writer, made deterministic), and both must hand the child the same state and keep
 * the same parent.
 */
class SplitCopyProperties {

    private static final ShardLimits LIMITS = ShardLimits.withBudget(1L << 30);
    private static final int KEYS = 40;

    /** One client write of a small key pool, so that writes meet keys the copy has or has not read. */
    record Op(int kind, int key, int value, long ttl) {
        Command command() {
            byte[] k = ("key-" + key).getBytes();
            return switch (kind) {
                case 0, 1 -> new Command.Put(k, ("v" + value).getBytes(), ttl);
                case 2 -> new Command.Delete(k);
                case 3 -> new Command.Touch(k, ttl);
                default -> new Command.Set(k, ("s" + value).getBytes(), ttl, false, Command.Condition.IF_ABSENT, false, false);
            };
        }
    }

    /** The replica under test: announces, copies while writes go on, and finishes the seed at the split. */
    static final class CopyingHandOff implements SplitHandOff {
        SlotWrites written;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        SplitCopy.Partial copy;
        byte[] seed;
        /** The child's store, filled by the copy and caught up at the split. */
        final ShardStore warm = new HeapShardStore();

        @Override
        public void prepare(Command.PrepareSplit prepare, long index, ShardEngine parent) {
            written = parent.trackWrites(prepare.slots());
        }

        void copy(ShardEngine parent, SlotSet slots) {
            try {
                copy = SplitCopy.copy(parent.store(), slots, 7, Channels.newChannel(out), () -> false, warm);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public List<byte[]> handOff(Command.Split split, long index, ShardEngine parent) {
            List<byte[]> moving = new ArrayList<>();
            try {
                SplitCopy.finish(copy, parent, split, written, moving, warm);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            seed = out.toByteArray();
            return moving;
        }
    }

    @Property(tries = 200)
    void aFinishedCopyHandsTheChildWhatAVisitAtTheSplitWould(@ForAll("ops") List<Op> before, @ForAll("ops") List<Op> during,
                                                          @ForAll("ops") List<Op> after,
                                                          @ForAll @IntRange(min = 1, max = 4) int bits,
                                                          @ForAll("slotSeeds") long slotSeed) throws IOException {
        SlotSet slots = ShardSplitProperties.randomSlots(bits, slotSeed);
        CopyingHandOff copying = new CopyingHandOff();
        InterleavedStore interleaved = new InterleavedStore(new HeapShardStore());
        ShardEngine replica = new ShardEngine(2, interleaved, LIMITS, copying);
        ShardSplitProperties.CapturedHandOff visiting = new ShardSplitProperties.CapturedHandOff();
        ShardEngine reference = new ShardEngine(2, new HeapShardStore(), LIMITS, visiting);

        long[] index = {0};
        for (Op op : before) {
            applyBoth(replica, reference, ++index[0], op.command());
        }
        applyBoth(replica, reference, ++index[0], new Command.PrepareSplit(7, slots));
        // The reference applies the writes of the copy's time at once; the replica between the
        // entries its copy visits, and whatever the visit did not reach after it.
        Deque<Op> pending = new ArrayDeque<>(during);
        long firstDuring = index[0];
        for (Op op : during) {
            reference.apply(++index[0], batch(index[0], op.command()));
        }
        long[] next = {firstDuring};
        interleaved.between = () -> {
            if (!pending.isEmpty()) {
                next[0]++;
                replica.apply(next[0], batch(next[0], pending.poll().command()));
            }
        };
        copying.copy(replica, slots);
        interleaved.between = () -> { };
        while (!pending.isEmpty()) {
            next[0]++;
            replica.apply(next[0], batch(next[0], pending.poll().command()));
        }
        assertEquals(index[0], next[0]);
        for (Op op : after) {
            applyBoth(replica, reference, ++index[0], op.command());
        }

        Command.Split split = new Command.Split(7, slots, new byte[] {1});
        Set<String> replicaChanged = new TreeSet<>();
        Set<String> referenceChanged = new TreeSet<>();
        SplitDone merged = assertInstanceOf(SplitDone.class,
                replica.apply(++index[0], batch(index[0], split), k -> replicaChanged.add(new String(k))).get(0));
        SplitDone visited = assertInstanceOf(SplitDone.class,
                reference.apply(index[0], batch(index[0], split), k -> referenceChanged.add(new String(k))).get(0));

        assertEquals(visited.movedKeys(), merged.movedKeys());
        assertEquals(referenceChanged, replicaChanged, "the same keys leave the parent");
        assertEquals(ShardDigest.of(reference.store()), ShardDigest.of(replica.store()), "the parents are alike");
        ShardEngine expected = visiting.child(7);
        ShardEngine actual = new ShardEngine(7, new HeapShardStore(), LIMITS);
        ShardSnapshot.restore(actual, Channels.newChannel(new ByteArrayInputStream(copying.seed)));
        assertEquals(ShardDigest.of(expected.store()), ShardDigest.of(actual.store()), "the children start alike");
        assertEquals(ShardDigest.of(expected.store()), ShardDigest.of(copying.warm), "the store filled ahead caught up");
        // The child adopting the store filled ahead moves past the seed's records, restores the rest
        // alike, and takes the expiry index the copy gathered: it plans the same reclamations.
        ShardEngine adopted = new ShardEngine(7, copying.warm, LIMITS);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("seed", ".snapshot");
        try {
            java.nio.file.Files.write(file, copying.seed);
            try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(file)) {
                ShardSnapshot.restoreOverLoadedEntries(adopted, in, copying.copy);
            }
        } finally {
            java.nio.file.Files.delete(file);
        }
        assertEquals(expected.logTime(), adopted.logTime());
        assertEquals(expected.sessions().view().keySet(), adopted.sessions().view().keySet());
        assertEquals(reclaimed(actual), reclaimed(adopted), "the adopted expiry index misses or invents an expiring key");
        assertEquals(expected.logTime(), actual.logTime());
        for (int k = 0; k < KEYS; k++) {
            byte[] key = ("key-" + k).getBytes();
            assertEquals(expected.store().get(key), actual.store().get(key));
        }
    }

    /**
     * A seed larger than the snapshot reader's buffer: the adopting child moves past its entries
     * by seeking, then restores what follows as a full load of the same seed does.
     */
    @Test
    void aSeedLargerThanTheReadBufferIsMovedPastNotRead() throws IOException {
        SlotSet slots = SlotSet.of(1, 1);
        ShardEngine parent = new ShardEngine(2, new HeapShardStore(), LIMITS);
        byte[] big = new byte[100_000];
        for (int i = 0; i < 80; i++) {
            parent.apply(i + 1, batch(i + 1, new Command.Put(("big-" + i).getBytes(), big, i % 2 == 0 ? 60_000 : 0)));
        }
        SlotWrites written = parent.trackWrites(slots);
        HeapShardStore warm = new HeapShardStore();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("seed", ".snapshot");
        try {
            SplitCopy.Partial part;
            try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.WRITE)) {
                part = SplitCopy.copy(parent.store(), slots, 7, out, () -> false, warm);
                for (int i = 0; i < 10; i++) { // written after the copy: the seed's tail
                    parent.apply(100 + i, batch(100 + i, new Command.Put(("late-" + i).getBytes(), "v".getBytes(), 60_000)));
                }
                SplitCopy.finish(part, parent, new Command.Split(7, slots, new byte[] {1}), written, new ArrayList<>(), warm);
            }
            assertTrue(java.nio.file.Files.size(file) > 3 * SnapshotWriter.BUFFER_BYTES, "the seed spans several buffers");
            ShardEngine adopted = new ShardEngine(7, warm, LIMITS);
            ShardEngine loaded = new ShardEngine(7, new HeapShardStore(), LIMITS);
            try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(file)) {
                ShardSnapshot.restoreOverLoadedEntries(adopted, in, part);
            }
            try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(file)) {
                ShardSnapshot.restore(loaded, in);
            }
            assertEquals(ShardDigest.of(loaded.store()), ShardDigest.of(adopted.store()));
            assertEquals(loaded.logTime(), adopted.logTime());
            Set<String> expiring = reclaimed(loaded);
            assertFalse(expiring.isEmpty(), "the seed has expiring keys");
            assertEquals(expiring, reclaimed(adopted));
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    /** The keys (with versions) the engine's leader would reclaim once everything has expired. */
    private static Set<String> reclaimed(ShardEngine engine) {
        Set<String> out = new TreeSet<>();
        for (Command.Expire e : engine.planExpiry(Long.MAX_VALUE / 4, 1_000, Integer.MAX_VALUE)) {
            e.keys().forEach(k -> out.add(new String(k.key()) + "@" + k.version()));
        }
        return out;
    }

    @Test
    void aRestoreOverTheStoreStopsTheTrackingAndTheMergeRefusesIt() throws IOException {
        CopyingHandOff copying = new CopyingHandOff();
        ShardEngine replica = new ShardEngine(2, new HeapShardStore(), LIMITS, copying);
        SlotSet slots = SlotSet.of(1, 1);
        replica.apply(1, batch(1, new Command.PrepareSplit(7, slots)));
        copying.copy(replica, slots);
        assertTrue(copying.written.valid());
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        ShardSnapshot.write(new ShardEngine(2, new HeapShardStore(), LIMITS), Channels.newChannel(snapshot));
        ShardSnapshot.restore(replica, Channels.newChannel(new ByteArrayInputStream(snapshot.toByteArray())));
        assertFalse(copying.written.valid());
        assertNotNull(copying.written.invalidBecause());
        assertThrows(IllegalArgumentException.class, () -> SplitCopy.finish(copying.copy, replica,
                new Command.Split(7, slots, new byte[0]), copying.written, new ArrayList<>(), null));
    }

    @Test
    void anAnnouncementIsCheckedAsTheSplitWillBeAndChangesNothing() {
        ShardEngine parent = new ShardEngine(2, new HeapShardStore(), LIMITS);
        parent.apply(1, batch(1, new Command.Put("a".getBytes(), "1".getBytes(), 0)));
        CommandResult.SplitPrepared prepared = assertInstanceOf(CommandResult.SplitPrepared.class,
                parent.apply(2, batch(2, new Command.PrepareSplit(7, SlotSet.of(1, 1)))).get(0));
        assertEquals(new CommandResult.SplitPrepared(7, 2), prepared);
        assertEquals(1, parent.store().size());
        CommandResult.Rejected self = assertInstanceOf(CommandResult.Rejected.class,
                parent.apply(3, batch(3, new Command.PrepareSplit(2, SlotSet.of(1, 1)))).get(0));
        assertEquals(ShardError.INVALID_ARGUMENT, self.error());
        parent.apply(4, batch(4, new Command.Split(7, SlotSet.of(1, 1), new byte[0])));
        assertInstanceOf(SplitDone.class, parent.apply(5, batch(5, new Command.PrepareSplit(7, SlotSet.of(1, 1)))).get(0),
                "announcing a split that applied answers it as done");
        assertNull(parent.movedBy(ShardSplitProperties.keyIn(SlotSet.of(1, 0))));
        // Its encoding round-trips, and it cannot be tagged as a client's write.
        Command.PrepareSplit p = new Command.PrepareSplit(7, SlotSet.of(3, 1, 5));
        assertEquals(p, CommandCodec.decodeEntry(CommandCodec.encode(new CommandBatch(9, List.of(p)))).commands().get(0));
        assertThrows(IllegalArgumentException.class, () -> new Command.Tagged(1, 1, p));
        assertEquals(List.of(prepared), ResultCodec.decodeResults(ResultCodec.encodeResults(List.of(prepared))));
    }

    private static void applyBoth(ShardEngine a, ShardEngine b, long index, Command command) {
        a.apply(index, batch(index, command));
        b.apply(index, batch(index, command));
    }

    private static CommandBatch batch(long time, Command command) {
        return new CommandBatch(1_000 + time * 10, List.of(command));
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, KEYS - 1),
                        Arbitraries.integers().between(0, 999), Arbitraries.of(0L, 0L, 25L, 400L, 60_000L))
                .as(Op::new).list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<Long> slotSeeds() {
        return Arbitraries.longs();
    }

    /** A heap store whose visit runs {@link #between} after each entry it hands out: a writer interleaved with the visit. */
    static final class InterleavedStore extends ForwardingShardStore {
        Runnable between = () -> { };

        InterleavedStore(ShardStore store) {
            super(store);
        }

        @Override
        public void forEach(EntryVisitor visitor) {
            store.forEach((key, value, version, expiresAt) -> {
                visitor.visit(key, value, version, expiresAt);
                between.run();
            });
        }
    }
}
