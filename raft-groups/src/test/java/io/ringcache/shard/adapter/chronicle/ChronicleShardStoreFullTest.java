package io.ringcache.shard.adapter.chronicle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.core.ShardDigest;
import io.ringcache.shard.core.ShardStore;
import io.ringcache.shard.core.StoreFullException;
import io.ringcache.shard.core.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The adapter at and past the map's physical capacity, with large values, and under a
 * concurrent iteration. Writes go to the store directly, bypassing the engine's logical budget.
 */
class ChronicleShardStoreFullTest {

    /** The budget of the stores the contract tests use. */
    static final long TEST_BUDGET = 64L << 20;

    /**
     * 300-byte values, so the chunks run out before the hash slots (with 100-byte values this
     * store runs out of slots first, and a growing value still fits in the freed space).
     */
    @Test
    void aFullStoreRefusesWritesAndStaysConsistent() {
        try (ChronicleShardStore store = ChronicleShardStore.forBudget(1L << 20);
             HeapShardStore model = new HeapShardStore()) {
            int puts = 0;
            StoreFullException firstFull = null;
            for (int i = 0; i < 1_000_000 && firstFull == null; i++) {
                try {
                    store.put(key(i), value(i, 300), i + 1, i);
                    model.put(key(i), value(i, 300), i + 1, i);
                    puts++;
                } catch (StoreFullException e) {
                    firstFull = e;
                    assertNull(store.get(key(i)), "a refused insert leaves no trace");
                }
            }
            assertNotNull(firstFull, "the map filled up");
            assertTrue(store.bytesUsed() > (1L << 20), "the physical capacity is beyond the logical budget: "
                    + store.bytesUsed() + " logical bytes at the fill point");
            // More inserts: each succeeds or is refused, nothing in between.
            for (int i = puts + 1; i < puts + 2_000; i++) {
                try {
                    store.put(key(i), value(i, 300), i + 1, i);
                    model.put(key(i), value(i, 300), i + 1, i);
                } catch (StoreFullException e) {
                    assertNull(store.get(key(i)));
                }
            }
            assertSameContent(model, store);

            // Growing existing values on the full store: refused, the old value intact.
            for (int i = 0; i < 200; i++) {
                int k = i * 37;
                byte[] big = value(k, 4096);
                assertThrows(StoreFullException.class, () -> store.put(key(k), big, 1, 0));
                assertEquals(model.get(key(k)), store.get(key(k)));
            }
            // Modest growth (the case that corrupts a bare Chronicle Map): fits or is refused, cleanly.
            Random random = new Random(1);
            int grown = 0;
            for (int i = 0; i < 3_000; i++) {
                int k = random.nextInt(puts);
                byte[] v = value(k + i, 301 + random.nextInt(400));
                try {
                    long previous = store.put(key(k), v, 10_000_000L + i, 0);
                    assertEquals(model.put(key(k), v, 10_000_000L + i, 0), previous);
                    grown++;
                } catch (StoreFullException e) {
                    assertEquals(model.get(key(k)), store.get(key(k)));
                }
            }
            assertSameContent(model, store);

            // Room again after removals.
            for (int i = 0; i < puts; i += 10) {
                assertEquals(model.remove(key(i)), store.remove(key(i)));
            }
            for (int i = 0; i < 200; i++) {
                int k = 2_000_000 + i;
                store.put(key(k), value(k, 300), k, 0);
                model.put(key(k), value(k, 300), k, 0);
            }
            assertSameContent(model, store);
            System.out.printf("1 MiB budget: %d puts before full, %d logical bytes, %d off-heap bytes; %d grows fit%n",
                    puts, model.bytesUsed(), store.offHeapMemoryUsed(), grown);
        }
    }

    @Test
    void aOneMebibyteValueRoundTrips() {
        try (ChronicleShardStore store = ChronicleShardStore.forBudget(TEST_BUDGET)) {
            byte[] key = new byte[4096];
            key[0] = 7;
            byte[] big = value(3, 1 << 20);
            assertEquals(0, store.put(key, big, 5, 0));
            assertArrayEquals(big, store.get(key).value());
            assertTrue(store.valueEquals(key, big));
            assertEquals(ShardStore.chargeOf(key.length, big.length), store.bytesUsed());
            // Grow from small to 1 MiB, and shrink back.
            store.put(bytes("other"), bytes("small"), 1, 0);
            assertEquals(1, store.put(bytes("other"), value(4, 1 << 20), 2, 9));
            assertEquals(new StoredValue(value(4, 1 << 20), 2, 9), store.get(bytes("other")));
            assertEquals(2, store.put(bytes("other"), bytes("small again"), 3, 0));
            assertEquals(new StoredValue(bytes("small again"), 3, 0), store.get(bytes("other")));
            assertArrayEquals(big, store.get(key).value());
            int[] seen = {0};
            store.forEach((k, v, version, expiresAt) -> {
                assertNull(((UnsafeBuffer) v).byteArray(), "a view over the map's memory, not a heap copy");
                assertNull(((UnsafeBuffer) k).byteArray(), "a view over the map's memory, not a heap copy");
                if (v.capacity() == big.length) {
                    for (int i = 0; i < big.length; i += 4093) {
                        assertEquals(big[i], v.getByte(i));
                    }
                }
                seen[0]++;
            });
            assertEquals(2, seen[0]);
        }
    }

    @Test
    void aValueBeyondAnyTierIsRefusedCleanly() {
        try (ChronicleShardStore store = ChronicleShardStore.forBudget(1L << 20)) {
            store.put(bytes("k"), bytes("v"), 1, 0);
            assertThrows(StoreFullException.class, () -> store.put(bytes("k"), new byte[4 << 20], 2, 0));
            assertThrows(StoreFullException.class, () -> store.put(bytes("j"), new byte[4 << 20], 2, 0));
            assertEquals(new StoredValue(bytes("v"), 1, 0), store.get(bytes("k")));
            assertEquals(1, store.size());
            assertEquals(ShardStore.chargeOf(1, 1), store.bytesUsed());
        }
    }

    @Test
    void iterationAlongsideTheWriterAndReaders() throws Exception {
        try (ChronicleShardStore store = ChronicleShardStore.forBudget(8L << 20)) {
            for (int i = 0; i < 5_000; i++) {
                store.put(key(i), stamped(i, 1 + i % 200), i, 0);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                Random random = new Random(2);
                long version = 10_000;
                try {
                    while (!stop.get()) {
                        int k = random.nextInt(10_000);
                        if (random.nextInt(4) == 0) {
                            store.remove(key(k));
                        } else {
                            version++;
                            store.put(key(k), stamped(version, 1 + random.nextInt(300)), version, 0);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "test-writer");
            Thread reader = new Thread(() -> {
                Random random = new Random(3);
                ShardStore.Meta meta = new ShardStore.Meta();
                try {
                    while (!stop.get()) {
                        byte[] k = key(random.nextInt(10_000));
                        StoredValue v = store.get(k);
                        if (v != null) {
                            assertArrayEquals(stamped(v.version(), v.value().length), v.value(), "torn read");
                        }
                        if (store.readMeta(k, meta)) {
                            assertTrue(meta.valueLength >= 1 && meta.valueLength <= 300);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "test-reader");
            writer.start();
            reader.start();
            long end = System.nanoTime() + 1_500_000_000L;
            int passes = 0;
            try {
                while (System.nanoTime() < end && failure.get() == null) {
                    Set<String> keys = new HashSet<>();
                    store.forEach((k, v, version, expiresAt) -> {
                        byte[] kb = new byte[k.capacity()];
                        k.getBytes(0, kb);
                        assertTrue(keys.add(new String(kb, StandardCharsets.ISO_8859_1)), "a key seen twice");
                        byte[] vb = new byte[v.capacity()];
                        v.getBytes(0, vb);
                        assertArrayEquals(stamped(version, vb.length), vb);
                    });
                    passes++;
                }
            } finally {
                stop.set(true);
                writer.join();
                reader.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertTrue(passes > 0);
            int[] count = {0};
            store.forEach((k, v, version, expiresAt) -> count[0]++);
            assertEquals(store.size(), count[0]);
        }
    }

    @Test
    void closeFreesAndLaterUseFails() {
        ChronicleShardStore store = ChronicleShardStore.forBudget(1L << 20);
        store.put(bytes("k"), bytes("v"), 1, 0);
        assertTrue(store.offHeapMemoryUsed() > 0);
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.get(bytes("k")));
        assertThrows(IllegalStateException.class, () -> store.put(bytes("k"), bytes("v"), 2, 0));
    }

    private static void assertSameContent(ShardStore model, ChronicleShardStore store) {
        assertEquals(model.size(), store.size());
        assertEquals(model.bytesUsed(), store.bytesUsed());
        List<byte[]> keys = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        store.forEach((k, v, version, expiresAt) -> {
            byte[] kb = new byte[k.capacity()];
            k.getBytes(0, kb);
            keys.add(kb);
            assertTrue(distinct.add(new String(kb, StandardCharsets.ISO_8859_1)), "a key iterated twice");
        });
        assertEquals(store.size(), keys.size(), "forEach count");
        for (byte[] k : keys) {
            assertEquals(model.get(k), store.get(k));
        }
        int[] found = {0};
        model.forEach((k, v, version, expiresAt) -> {
            byte[] kb = new byte[k.capacity()];
            k.getBytes(0, kb);
            assertEquals(model.get(kb), store.get(kb));
            found[0]++;
        });
        assertEquals(model.size(), found[0]);
        assertEquals(ShardDigest.of(model), ShardDigest.of(store));
    }

    static byte[] key(long i) {
        return bytes(String.format("key-%012d", i));
    }

    /** Deterministic bytes for entry {@code i}. */
    static byte[] value(long i, int length) {
        byte[] v = new byte[length];
        long x = i * 0x9E3779B97F4A7C15L + 1;
        for (int j = 0; j < length; j++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            v[j] = (byte) x;
        }
        return v;
    }

    /** A value derived from its version, so a torn read shows. */
    static byte[] stamped(long version, int length) {
        return value(version, length);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
