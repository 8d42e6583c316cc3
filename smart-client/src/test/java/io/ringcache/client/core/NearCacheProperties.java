package io.ringcache.client.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link NearCache} against a simulated shard: a log of writes, reads that start at one index and
 * complete (put) later, an invalidation stream that lags, coalesces, resets, breaks and reopens,
 * and a clock. Whatever the interleaving: a hit is never older than the last invalidation
 * received, never older than the staleness bound, and the bounds always hold.
 */
class NearCacheProperties {

    static final int KEYS = 4;
    static final int SHARDS = 2;
    static final long BOUND = 1_000;
    static final int MAX_ENTRIES = 3;
    static final long MAX_BYTES = 3 * (NearCache.ENTRY_OVERHEAD_BYTES + 40);

    sealed interface Step {
        record Write(int shard, int key) implements Step { }
        record StartRead(int shard, int key) implements Step { }
        record FinishRead(int which) implements Step { }
        record Deliver(int shard, int upTo) implements Step { }
        record Open(int shard) implements Step { }
        record Break(int shard) implements Step { }
        record Reset(int shard) implements Step { }
        record Tick(long millis) implements Step { }
        record Get(int key) implements Step { }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> shard = Arbitraries.integers().between(0, SHARDS - 1);
        Arbitrary<Integer> key = Arbitraries.integers().between(0, KEYS - 1);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, net.jqwik.api.Combinators.combine(shard, key).as(Step.Write::new)),
                net.jqwik.api.Tuple.of(6, net.jqwik.api.Combinators.combine(shard, key).as(Step.StartRead::new)),
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 7).map(Step.FinishRead::new)),
                net.jqwik.api.Tuple.of(5, net.jqwik.api.Combinators.combine(shard, Arbitraries.integers().between(1, 4))
                        .as(Step.Deliver::new)),
                net.jqwik.api.Tuple.of(2, shard.map(Step.Open::new)),
                net.jqwik.api.Tuple.of(1, shard.map(Step.Break::new)),
                net.jqwik.api.Tuple.of(1, shard.map(Step.Reset::new)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 400).map(Step.Tick::new)),
                net.jqwik.api.Tuple.of(8, key.map(Step.Get::new)));
        return step.list().ofMinSize(1).ofMaxSize(120);
    }

    /** Key k lives in shard k % SHARDS in the model, so each key has one log. */
    static int shardOf(int key) {
        return key % SHARDS;
    }

    private static final class Shard {
        long index;
        /** Per key: the index of each change, in order. */
        final Map<Integer, List<Long>> changes = new HashMap<>();
        boolean open;
        /** Changes not delivered yet: (index, key). */
        final List<long[]> undelivered = new ArrayList<>();
        /** The highest index delivered on the current stream. */
        long delivered;

        long lastChangeAtOrBefore(int key, long at) {
            long last = 0;
            for (long i : changes.getOrDefault(key, List.of())) {
                if (i <= at) {
                    last = i;
                }
            }
            return last;
        }
    }

    private record Read(int shard, int key, long readIndex, long version, long startedAt) { }

    @Property(tries = 400)
    void aHitIsNeverStalerThanTheStreamNorOlderThanTheBound(@ForAll("steps") List<Step> steps) {
        NearCache cache = new NearCache(MAX_ENTRIES, MAX_BYTES, BOUND);
        Shard[] shards = {new Shard(), new Shard()};
        List<Read> reads = new ArrayList<>();
        long now = 0;
        for (Step step : steps) {
            if (step instanceof Step.Write w) {
                int key = w.key();
                Shard s = shards[shardOf(key)];
                s.index++;
                s.changes.computeIfAbsent(key, k -> new ArrayList<>()).add(s.index);
                if (s.open) {
                    s.undelivered.add(new long[] {s.index, key});
                }
            } else if (step instanceof Step.StartRead r) {
                int key = r.key();
                Shard s = shards[shardOf(key)];
                long version = s.lastChangeAtOrBefore(key, s.index);
                if (version != 0) {
                    reads.add(new Read(shardOf(key), key, s.index, version, now));
                }
            } else if (step instanceof Step.FinishRead f && !reads.isEmpty()) {
                Read r = reads.remove(f.which() % reads.size());
                cache.put(r.shard(), key(r.key()), value(r.version()), r.version(), r.readIndex(), r.startedAt(), now);
            } else if (step instanceof Step.Deliver d) {
                Shard s = shards[d.shard()];
                if (s.open && !s.undelivered.isEmpty()) {
                    List<byte[]> keys = new ArrayList<>();
                    long index = 0;
                    for (int i = 0; i < d.upTo() && !s.undelivered.isEmpty(); i++) {
                        long[] c = s.undelivered.remove(0);
                        index = c[0];
                        keys.add(key((int) c[1]));
                    }
                    cache.invalidate(d.shard(), keys, index);
                    s.delivered = index;
                }
            } else if (step instanceof Step.Open o) {
                Shard s = shards[o.shard()];
                if (!s.open) {
                    s.open = true;
                    s.undelivered.clear();
                    s.delivered = s.index;
                    cache.streamOpened(o.shard(), s.index);
                }
            } else if (step instanceof Step.Break b) {
                Shard s = shards[b.shard()];
                if (s.open) {
                    s.open = false;
                    s.undelivered.clear();
                    cache.dropShard(b.shard());
                }
            } else if (step instanceof Step.Reset r) {
                Shard s = shards[r.shard()];
                if (s.open) {
                    s.undelivered.clear();
                    s.delivered = s.index;
                    cache.resetShard(r.shard(), s.index);
                }
            } else if (step instanceof Step.Tick t) {
                now += t.millis();
            } else if (step instanceof Step.Get g) {
                NearCache.Entry e = cache.get(key(g.key()), now);
                if (e != null) {
                    Shard s = shards[shardOf(g.key())];
                    assertTrue(s.open, "a hit from a shard whose stream is down");
                    assertTrue(s.lastChangeAtOrBefore(g.key(), s.delivered) <= e.version(),
                            "a hit older than an invalidation already received: " + e);
                    assertTrue(now - e.cachedAt() < BOUND, "a hit older than the staleness bound");
                    assertArrayEquals(value(e.version()), e.value());
                }
            }
            assertTrue(cache.size() <= MAX_ENTRIES, "entry bound");
            assertTrue(cache.bytes() <= MAX_BYTES, "byte bound");
            assertTrue(cache.bytes() >= 0);
        }
    }

    @Example
    void aReadThatRacedAnInvalidationIsNotCached() {
        NearCache cache = new NearCache(10, 10_000, BOUND);
        cache.streamOpened(1, 5);
        // The read was served at index 6; a write at 7 was applied and its invalidation arrived first.
        cache.invalidate(1, List.of(key(0)), 7);
        assertTrue(!cache.put(1, key(0), value(6), 6, 6, 0, 1));
        assertNull(cache.get(key(0), 2));
        // A read served after it is cached, and a later invalidation evicts it.
        assertTrue(cache.put(1, key(0), value(7), 7, 7, 0, 1));
        assertNotNull(cache.get(key(0), 2));
        cache.invalidate(1, List.of(key(0)), 8);
        assertNull(cache.get(key(0), 2));
    }

    @Example
    void nothingIsCachedWithoutAHealthyStreamAndALostStreamDropsTheShard() {
        NearCache cache = new NearCache(10, 10_000, BOUND);
        assertTrue(!cache.put(1, key(0), value(1), 1, 1, 0, 0));
        cache.streamOpened(1, 1);
        assertTrue(cache.put(1, key(0), value(1), 1, 1, 0, 0));
        cache.dropShard(1);
        assertNull(cache.get(key(0), 0));
        assertEquals(0, cache.bytes());
        assertTrue(!cache.put(1, key(0), value(1), 1, 1, 0, 0));
    }

    @Example
    void anInvalidationTheEntryAlreadyReflectsKeepsIt() {
        NearCache cache = new NearCache(10, 10_000, BOUND);
        cache.streamOpened(1, 1);
        assertTrue(cache.put(1, key(0), value(5), 5, 9, 0, 0));
        cache.invalidate(1, List.of(key(0)), 5); // from a lagging replica: the entry was read at 9
        assertNotNull(cache.get(key(0), 0));
        cache.invalidate(1, List.of(key(0)), 10);
        assertNull(cache.get(key(0), 0));
    }

    @Example
    void leastRecentlyUsedIsEvictedFirst() {
        NearCache cache = new NearCache(2, 10_000, BOUND);
        cache.streamOpened(1, 0);
        cache.put(1, key(0), value(1), 1, 1, 0, 0);
        cache.put(1, key(1), value(1), 1, 1, 0, 0);
        cache.get(key(0), 0);
        cache.put(1, key(2), value(1), 1, 1, 0, 0);
        assertNotNull(cache.get(key(0), 0));
        assertNull(cache.get(key(1), 0));
        assertNotNull(cache.get(key(2), 0));
    }

    static byte[] key(int k) {
        return ("key-" + k).getBytes(StandardCharsets.UTF_8);
    }

    /** Values of different sizes, so the byte bound matters. */
    static byte[] value(long version) {
        return ("v" + version + "-".repeat((int) (version * 7 % 33))).getBytes(StandardCharsets.UTF_8);
    }
}
