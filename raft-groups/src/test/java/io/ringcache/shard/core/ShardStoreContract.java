package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ShardStore} adapter passes. A subclass names the adapter; the
 * properties drive it with random operation sequences and compare every answer with
 * {@link HeapShardStore}, the reference model.
 */
public abstract class ShardStoreContract {

    /** A fresh, empty store; the test closes it. */
    protected abstract ShardStore newStore();

    @Test
    void putGetRemove() {
        try (ShardStore store = newStore()) {
            assertNull(store.get(bytes("k")));
            assertEquals(0, store.put(bytes("k"), bytes("v1"), 7, 0));
            StoredValue v = store.get(bytes("k"));
            assertArrayEquals(bytes("v1"), v.value());
            assertEquals(7, v.version());
            assertEquals(7, store.put(bytes("k"), bytes("v2"), 9, 1234));
            assertEquals(new StoredValue(bytes("v2"), 9, 1234), store.get(bytes("k")));
            assertEquals(1, store.size());
            assertEquals(9, store.remove(bytes("k")));
            assertEquals(0, store.remove(bytes("k")));
            assertEquals(0, store.size());
            assertEquals(0, store.bytesUsed());
        }
    }

    @Test
    void readsAndWritesLeaveUseMarks() {
        try (ShardStore store = newStore()) {
            long t0 = 1_700_000_000_000L;
            store.put(bytes("a"), bytes("1"), 1, 0, t0);
            store.put(bytes("b"), bytes("2"), 2, 0, t0);
            assertEquals(new StoredValue(bytes("1"), 1, 0), store.read(bytes("a"), t0 + 5_000));
            assertNull(store.read(bytes("absent"), t0));
            Map<String, int[]> marks = marks(store);
            assertEquals(KeyAccess.stamp(t0 + 5_000), marks.get("a")[0]);
            assertEquals(KeyAccess.stamp(t0), marks.get("b")[0]);
            assertEquals(KeyAccess.NEW_COUNTER, KeyAccess.counter(marks.get("b")[1], t0));
            // A hundred reads make the counter grow, logarithmically: far below a hundred.
            for (int i = 0; i < 100; i++) {
                store.read(bytes("a"), t0 + 5_000);
            }
            int counter = KeyAccess.counter(marks(store).get("a")[1], t0 + 5_000);
            assertTrue(counter > KeyAccess.NEW_COUNTER && counter < 40, "counter " + counter);
            // An overwrite keeps the counter (as Redis does) and stamps the write's time.
            store.put(bytes("a"), bytes("longer value"), 3, 0, t0 + 6_000);
            assertTrue(KeyAccess.counter(marks(store).get("a")[1], t0 + 6_000) >= counter);
            assertEquals(KeyAccess.stamp(t0 + 6_000), marks(store).get("a")[0]);
            // Metadata-only changes keep the marks.
            store.setExpiry(bytes("a"), t0 + 60_000);
            assertEquals(KeyAccess.stamp(t0 + 6_000), marks(store).get("a")[0]);
            assertEquals(new StoredValue(bytes("longer value"), 3, t0 + 60_000), store.get(bytes("a")));
        }
    }

    @Test
    void samplePartsHoldEveryEntryExactlyOnce() {
        try (ShardStore store = newStore()) {
            for (int i = 0; i < 500; i++) {
                store.put(bytes("key-" + i), bytes("v" + i), i + 1, i % 3 == 0 ? 99_000 : 0, 1_000);
            }
            Map<String, Integer> seen = new HashMap<>();
            int nonEmptyParts = 0;
            for (int part = 0; part < store.sampleParts(); part++) {
                int[] inPart = {0};
                store.sample(part, (key, version, expiresAt, valueLength, stamp, frequency) -> {
                    byte[] k = new byte[key.capacity()];
                    key.getBytes(0, k);
                    String name = new String(k, java.nio.charset.StandardCharsets.UTF_8);
                    int i = Integer.parseInt(name.substring(4));
                    assertEquals(i + 1, version);
                    assertEquals(i % 3 == 0 ? 99_000 : 0, expiresAt);
                    assertEquals(("v" + i).length(), valueLength);
                    assertEquals(KeyAccess.stamp(1_000), stamp);
                    seen.merge(name, 1, Integer::sum);
                    inPart[0]++;
                });
                nonEmptyParts += inPart[0] > 0 ? 1 : 0;
            }
            assertEquals(500, seen.size());
            assertTrue(seen.values().stream().allMatch(n -> n == 1), "an entry seen twice");
            assertTrue(nonEmptyParts > 1 || store.sampleParts() == 1, "parts are hash partitions");
        }
    }

    /** Each key's [stamp, frequency] as {@link ShardStore#sample} reports them. */
    private static Map<String, int[]> marks(ShardStore store) {
        Map<String, int[]> out = new HashMap<>();
        for (int part = 0; part < store.sampleParts(); part++) {
            store.sample(part, (key, version, expiresAt, valueLength, stamp, frequency) -> {
                byte[] k = new byte[key.capacity()];
                key.getBytes(0, k);
                out.put(new String(k, java.nio.charset.StandardCharsets.UTF_8), new int[] {stamp, frequency});
            });
        }
        return out;
    }

    @Test
    void emptyKeysAndValuesAreValues() {
        try (ShardStore store = newStore()) {
            store.put(new byte[0], new byte[0], 1, 0);
            assertEquals(new StoredValue(new byte[0], 1, 0), store.get(new byte[0]));
            assertTrue(store.valueEquals(new byte[0], new byte[0]));
        }
    }

    @Test
    void largeValuesRoundTrip() {
        try (ShardStore store = newStore()) {
            byte[] big = new byte[256 * 1024];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            byte[] key = new byte[4096];
            key[4095] = 1;
            store.put(key, big, 3, 0);
            assertArrayEquals(big, store.get(key).value());
            assertEquals(ShardStore.chargeOf(key.length, big.length), store.bytesUsed());
        }
    }

    @Test
    void metaAndExpiryWithoutTouchingTheValue() {
        try (ShardStore store = newStore()) {
            store.put(bytes("k"), bytes("value"), 5, 100);
            ShardStore.Meta meta = new ShardStore.Meta();
            assertTrue(store.readMeta(bytes("k"), meta));
            assertEquals(5, meta.version);
            assertEquals(100, meta.expiresAt);
            assertEquals(5, meta.valueLength);
            assertTrue(store.setExpiry(bytes("k"), 0));
            assertEquals(new StoredValue(bytes("value"), 5, 0), store.get(bytes("k")));
            assertFalse(store.setExpiry(bytes("absent"), 1));
            assertFalse(store.readMeta(bytes("absent"), meta));
        }
    }

    @Test
    void removeIfVersionSparesARewrittenKey() {
        try (ShardStore store = newStore()) {
            store.put(bytes("k"), bytes("a"), 1, 10);
            store.put(bytes("k"), bytes("b"), 2, 0);
            assertFalse(store.removeIfVersion(bytes("k"), 1));
            assertTrue(store.removeIfVersion(bytes("k"), 2));
            assertNull(store.get(bytes("k")));
        }
    }

    @Test
    void forEachSeesEveryEntryOnce() {
        try (ShardStore store = newStore()) {
            for (int i = 0; i < 1000; i++) {
                store.put(bytes("key-" + i), bytes("value-" + i), i + 1, i);
            }
            Map<String, StoredValue> seen = visit(store);
            assertEquals(1000, seen.size());
            assertEquals(new StoredValue(bytes("value-7"), 8, 7), seen.get("key-7"));
            store.clear();
            assertEquals(0, store.size());
            assertEquals(0, store.bytesUsed());
        }
    }

    /**
     * A split's background copy relies on it ({@link SplitCopy}): a visit while another thread
     * writes, inserts and removes sees each key at most once, and every entry that exists
     * throughout and is not changed exactly once, with its content.
     */
    @Test
    void aVisitConcurrentWithTheWriterSeesEveryUntouchedEntry() throws Exception {
        try (ShardStore store = newStore()) {
            int untouched = 3000;
            for (int i = 0; i < untouched; i++) {
                store.put(bytes("keep-" + i), bytes("value-" + i), i + 1, 0);
                store.put(bytes("churn-" + i), bytes("old-" + i), i + 1, 0);
            }
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (int round = 0; !stop.get(); round++) {
                    for (int i = 0; i < untouched && !stop.get(); i += 7) {
                        store.put(bytes("churn-" + i), bytes("new-" + round + "-" + i), round * 10_000L + i + 1, 0);
                        store.put(bytes("added-" + (round % 4) + "-" + i), bytes("x".repeat(i % 200)), round + 1L, 0);
                        store.remove(bytes("churn-" + (i + 3)));
                    }
                }
            }, "contract-writer");
            writer.start();
            try {
                for (int visit = 0; visit < 5; visit++) {
                    Map<String, StoredValue> seen = visit(store);
                    for (int i = 0; i < untouched; i++) {
                        assertEquals(new StoredValue(bytes("value-" + i), i + 1, 0), seen.get("keep-" + i),
                                "visit " + visit + " missed or tore an untouched entry");
                    }
                }
            } finally {
                stop.set(true);
                writer.join();
            }
        }
    }

    /** Every entry one visit hands out, by key; fails on a key seen twice. */
    private static Map<String, StoredValue> visit(ShardStore store) {
        Map<String, StoredValue> seen = new HashMap<>();
        store.forEach((k, v, version, expiresAt) -> {
            byte[] kb = new byte[k.capacity()];
            k.getBytes(0, kb);
            byte[] vb = new byte[v.capacity()];
            v.getBytes(0, vb);
            assertNull(seen.put(new String(kb), new StoredValue(vb, version, expiresAt)), "seen twice");
        });
        return seen;
    }

    /** Random operation sequences give the same answers and the same final content as the model. */
    @Property(tries = 200)
    void behavesLikeTheReferenceModel(@ForAll("operations") List<Op> ops) {
        try (ShardStore store = newStore(); ShardStore model = new HeapShardStore()) {
            ShardStore.Meta a = new ShardStore.Meta();
            ShardStore.Meta b = new ShardStore.Meta();
            long version = 0;
            for (Op op : ops) {
                byte[] key = op.key();
                switch (op.kind()) {
                    case PUT -> {
                        version++;
                        assertEquals(model.put(key, op.value(), version, op.expiry()),
                                store.put(key, op.value(), version, op.expiry()));
                    }
                    case GET -> assertEquals(model.get(key), store.get(key));
                    case META -> {
                        assertEquals(model.readMeta(key, a), store.readMeta(key, b));
                        assertEquals(a.version + "/" + a.expiresAt + "/" + a.valueLength,
                                b.version + "/" + b.expiresAt + "/" + b.valueLength);
                    }
                    case EQUALS -> assertEquals(model.valueEquals(key, op.value()), store.valueEquals(key, op.value()));
                    case REMOVE -> assertEquals(model.remove(key), store.remove(key));
                    case REMOVE_IF -> assertEquals(model.removeIfVersion(key, op.expiry()),
                            store.removeIfVersion(key, op.expiry()));
                    case EXPIRY -> assertEquals(model.setExpiry(key, op.expiry()), store.setExpiry(key, op.expiry()));
                }
                assertEquals(model.size(), store.size());
                assertEquals(model.bytesUsed(), store.bytesUsed());
            }
            assertEquals(ShardDigest.of(model), ShardDigest.of(store));
        }
    }

    enum Kind { PUT, GET, META, EQUALS, REMOVE, REMOVE_IF, EXPIRY }

    record Op(Kind kind, byte[] key, byte[] value, long expiry) {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<byte[]> keys = Arbitraries.of("a", "b", "c", "d", "", "long-key-" + "x".repeat(300))
                .map(ShardStoreContract::bytes);
        Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        Arbitrary<Long> expiries = Arbitraries.longs().between(0, 12);
        return Combinators.combine(Arbitraries.of(Kind.class), keys, values, expiries)
                .as(Op::new).list().ofMaxSize(60).map(ArrayList::new);
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
