package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.routing.KeyHash;
import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.core.CommandResult.Rejected;
import io.ringcache.shard.core.CommandResult.SplitDone;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A split against a reference model: the parent keeps exactly the keys outside the moving slots,
 * the child starts with exactly the keys inside them (same values, versions, expiry) and the
 * parent's retry table, and the parent refuses the moved keys from then on, also after a snapshot.
 */
class ShardSplitProperties {

    private static final ShardLimits LIMITS = ShardLimits.withBudget(1L << 30);

    /** Captures the child's starting state as a split hands it over. */
    static final class CapturedHandOff implements SplitHandOff {
        final Map<Integer, byte[]> seeds = new HashMap<>();

        @Override
        public List<byte[]> handOff(Command.Split split, long index, ShardEngine parent) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ShardSnapshot.writeChild(parent, split, Channels.newChannel(out));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            seeds.put(split.childShard(), out.toByteArray());
            return null;
        }

        ShardEngine child(int childShard) throws IOException {
            ShardEngine child = new ShardEngine(childShard, new HeapShardStore(), LIMITS);
            ShardSnapshot.restore(child, Channels.newChannel(new ByteArrayInputStream(seeds.get(childShard))));
            return child;
        }
    }

    @Property(tries = 60)
    void keysEndInExactlyOneShard(@ForAll("keys") Set<String> keys, @ForAll @IntRange(min = 1, max = 9) int bits,
                                  @ForAll("seeds") long slotSeed) throws IOException {
        CapturedHandOff handOff = new CapturedHandOff();
        ShardEngine parent = new ShardEngine(3, new HeapShardStore(), LIMITS, handOff);
        Map<String, StoredValue> before = new HashMap<>();
        long index = 0;
        for (String k : keys) {
            byte[] key = k.getBytes();
            parent.apply(++index, batch(100 + index, new Command.Put(key, ("v" + k).getBytes(), k.length() % 2 == 0 ? 0 : 60_000)));
            before.put(k, parent.get(key, 0));
        }
        SlotSet slots = randomSlots(bits, slotSeed);
        List<String> reported = new ArrayList<>();
        SplitDone done = assertInstanceOf(SplitDone.class, parent.apply(++index,
                batch(1_000, new Command.Split(9, slots, new byte[] {1})), k -> reported.add(new String(k))).get(0));
        assertEquals(done.movedKeys(), reported.size(), "every moved key is reported changed (near caches drop it)");
        ShardEngine child = handOff.child(9);
        assertEquals(parent.logTime(), child.logTime(), "the child's log time starts at the split's");

        long moved = 0;
        for (String k : keys) {
            byte[] key = k.getBytes();
            boolean moves = slots.containsHash(KeyHash.of(key));
            if (moves) {
                moved++;
                assertThrows(WrongShardException.class, () -> parent.get(key, 0));
                assertEquals(before.get(k), child.get(key, 0), "the child starts with the parent's entry");
                Rejected r = assertInstanceOf(Rejected.class, parent.apply(++index, batch(2_000, new Command.Delete(key))).get(0));
                assertEquals(ShardError.WRONG_SHARD, r.error());
            } else {
                assertEquals(before.get(k), parent.get(key, 0));
                assertNull(child.get(key, 0), "only moving keys reach the child");
            }
        }
        assertEquals(moved, done.movedKeys());
        assertEquals(keys.size(), parent.store().size() + child.store().size());

        // The split is part of the parent's state: a replica restored from its snapshot refuses alike.
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ShardSnapshot.write(parent, Channels.newChannel(file));
        ShardEngine restored = new ShardEngine(3, new HeapShardStore(), LIMITS);
        ShardSnapshot.restore(restored, Channels.newChannel(new ByteArrayInputStream(file.toByteArray())));
        assertEquals(parent.splits(), restored.splits());
        for (String k : keys) {
            assertEquals(slots.containsHash(KeyHash.of(k.getBytes())), restored.movedBy(k.getBytes()) != null);
        }
    }

    @Test
    void aRetryOfAWriteTheParentAppliedIsAnsweredByTheChild() throws IOException {
        CapturedHandOff handOff = new CapturedHandOff();
        ShardEngine parent = new ShardEngine(0, new HeapShardStore(), LIMITS, handOff);
        byte[] key = keyIn(SlotSet.of(1, 1));
        Command.Tagged write = new Command.Tagged(42, 7, new Command.Put(key, "once".getBytes(), 0));
        List<CommandResult> first = parent.apply(1, batch(10, write));
        parent.apply(2, batch(11, new Command.Split(1, SlotSet.of(1, 1), new byte[0])));
        ShardEngine child = handOff.child(1);

        assertEquals(ShardError.WRONG_SHARD,
                assertInstanceOf(Rejected.class, parent.apply(3, batch(12, write)).get(0)).error(),
                "the parent refuses the retry; the caller refreshes its map and goes to the child");
        assertEquals(first, child.apply(3, batch(12, write)), "the child answers it from the retry table");
        assertEquals(1, child.store().size());
    }

    @Test
    void aBatchWithOneMovedKeyIsRefusedWhole() {
        ShardEngine parent = new ShardEngine(0, new HeapShardStore(), LIMITS);
        byte[] moving = keyIn(SlotSet.of(1, 1));
        byte[] staying = keyIn(SlotSet.of(1, 0));
        parent.apply(1, batch(1, new Command.Split(1, SlotSet.of(1, 1), new byte[0])));
        Rejected r = assertInstanceOf(Rejected.class, parent.apply(2, batch(2, new Command.BatchPut(List.of(
                new Command.Put(staying, new byte[1], 0), new Command.Put(moving, new byte[1], 0))))).get(0));
        assertEquals(ShardError.WRONG_SHARD, r.error());
        assertNull(parent.get(staying, 0), "nothing of a refused batch applies");
        assertThrows(WrongShardException.class, () -> parent.query(new Query.BatchGet(List.of(staying, moving)), 0));
    }

    @Test
    void aSplitAppliesOnce() {
        CapturedHandOff handOff = new CapturedHandOff();
        ShardEngine parent = new ShardEngine(0, new HeapShardStore(), LIMITS, handOff);
        Command.Split split = new Command.Split(5, SlotSet.of(4, 3, 9), new byte[0]);
        SplitDone first = assertInstanceOf(SplitDone.class, parent.apply(1, batch(1, split)).get(0));
        assertFalse(first.alreadyDone());
        handOff.seeds.clear();
        SplitDone again = assertInstanceOf(SplitDone.class, parent.apply(2, batch(2, split)).get(0));
        assertTrue(again.alreadyDone());
        assertEquals(1, again.index(), "the index of the split that applied");
        assertTrue(handOff.seeds.isEmpty(), "nothing handed over twice");

        assertEquals(ShardError.INVALID_ARGUMENT, assertInstanceOf(Rejected.class,
                parent.apply(3, batch(3, new Command.Split(5, SlotSet.of(4, 4), new byte[0]))).get(0)).error());
        assertEquals(ShardError.INVALID_ARGUMENT, assertInstanceOf(Rejected.class,
                parent.apply(4, batch(4, new Command.Split(6, SlotSet.of(5, 7), new byte[0]))).get(0)).error(),
                "slot 7 of 32 lies inside slot 3 of 16, which left already");
        assertEquals(ShardError.INVALID_ARGUMENT, assertInstanceOf(Rejected.class,
                parent.apply(5, batch(5, new Command.Split(0, SlotSet.of(4, 1), new byte[0]))).get(0)).error());
        assertEquals(1, parent.splits().size());
    }

    @Test
    void slotSetsMatchThePlannersSlots() {
        SlotSet set = SlotSet.of(6, 0, 63);
        assertTrue(set.containsHash(0L));
        assertTrue(set.containsHash(-1L));
        assertFalse(set.containsHash(1L << 58));
        assertEquals(set, SlotSet.fromWords(6, set.words()));
        assertTrue(SlotSet.of(3, 7).intersects(SlotSet.of(8, 255)));
        assertFalse(SlotSet.of(3, 6).intersects(SlotSet.of(8, 255)));
        assertThrows(IllegalArgumentException.class, () -> SlotSet.of(2, 4));
        assertThrows(IllegalArgumentException.class, () -> SlotSet.fromWords(2, new long[] {1L << 5}));
    }

    @Test
    void splitsSurviveTheCodec() {
        Command.Split split = new Command.Split(12, SlotSet.of(7, 1, 64, 127), new byte[] {9, 8});
        Command.Split decoded = (Command.Split) CommandCodec.decodeEntry(CommandCodec.encode(split)).commands().get(0);
        assertEquals(split.childShard(), decoded.childShard());
        assertEquals(split.slots(), decoded.slots());
        assertEquals(List.of((byte) 9, (byte) 8), List.of(decoded.childMembers()[0], decoded.childMembers()[1]));
        SplitDone done = new SplitDone(12, 99, 5, true);
        assertEquals(List.of(done), ResultCodec.decodeResults(ResultCodec.encodeResults(List.of(done))));
    }

    private static CommandBatch batch(long time, Command command) {
        return new CommandBatch(time, List.of(command));
    }

    /** A key whose hash falls in {@code slots}. */
    static byte[] keyIn(SlotSet slots) {
        for (int i = 0; ; i++) {
            byte[] key = ("key-" + i).getBytes();
            if (slots.containsKey(key)) {
                return key;
            }
        }
    }

    static SlotSet randomSlots(int bits, long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<Integer> chosen = new ArrayList<>();
        for (int s = 0; s < 1 << bits; s++) {
            if (random.nextBoolean()) {
                chosen.add(s);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(0);
        }
        return SlotSet.of(bits, chosen.stream().mapToInt(Integer::intValue).toArray());
    }

    @Provide
    Arbitrary<Set<String>> keys() {
        return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12).set().ofMaxSize(300);
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }
}
