package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Eviction in the shard engine against a reference model: a shard driven as its leader drives it
 * (room made before each write, a tick after it), with any sequence of puts, reads, deletes, TTLs
 * and the passing of time. The model is a map of what the client wrote, minus what the
 * evictions the engine applied removed; every read must agree with it.
 */
class EvictionProperties {

    static final long BUDGET = 16 * 1024;

    sealed interface Op {
    }

    record Put(int key, int valueLength, long ttlMillis) implements Op {
    }

    record Get(int key) implements Op {
    }

    record Delete(int key) implements Op {
    }

    record Wait(long millis) implements Op {
    }

    private record Written(byte[] value, long version, long expiresAt) {
    }

    @Property(tries = 200)
    void evictionKeepsTheModelsPromises(@ForAll EvictionPolicy policy, @ForAll("ops") List<Op> ops) {
        ShardEngine engine = new ShardEngine(1, new HeapShardStore(), ShardLimits.withBudget(BUDGET).withEvictionPolicy(policy));
        Map<Integer, Written> model = new HashMap<>();
        long now = 1_700_000_000_000L;
        long index = 0;
        for (Op op : ops) {
            if (op instanceof Wait w) {
                now += w.millis();
            } else if (op instanceof Get g) {
                StoredValue v = engine.get(key(g.key()), now);
                Written expected = live(model.get(g.key()), now);
                if (expected == null) {
                    assertNull(v, "key " + g.key());
                } else {
                    assertArrayEquals(expected.value(), v.value(), "key " + g.key());
                }
            } else if (op instanceof Delete d) {
                engine.apply(++index, new CommandBatch(now, List.of(new Command.Delete(key(d.key())))));
                model.remove(d.key());
            } else if (op instanceof Put p) {
                Command.Put put = new Command.Put(key(p.key()), new byte[p.valueLength()], p.ttlMillis());
                for (Command.Evict e : engine.eviction().planRoomFor(EvictionPlanner.growthOf(List.of(put)), now)) {
                    index = applyEviction(engine, e, ++index, now, model, policy);
                }
                CommandResult r = engine.apply(++index, new CommandBatch(now, List.of(put))).get(0);
                boolean anyEvictable = model.values().stream().anyMatch(w -> !policy.volatileOnly() || w.expiresAt() != 0);
                if (r instanceof CommandResult.Written written) {
                    model.put(p.key(), new Written(put.value(), written.version(), p.ttlMillis() == 0 ? 0 : now + p.ttlMillis()));
                } else {
                    assertEquals(ShardError.RESOURCE_EXHAUSTED, ((CommandResult.Rejected) r).error());
                    // Refused only where Redis refuses: under noeviction, or with nothing evictable.
                    assertTrue(!policy.evicts() || !anyEvictable || policy.volatileOnly(),
                            "a put was refused under " + policy + " with evictable keys: " + r);
                }
                for (Command.Evict e : engine.eviction().planTick(now)) {
                    index = applyEviction(engine, e, ++index, now, model, policy);
                }
            }
            assertTrue(engine.store().bytesUsed() <= BUDGET, "over budget: " + engine.store().bytesUsed());
        }
        for (Map.Entry<Integer, Written> e : model.entrySet()) {
            Written expected = live(e.getValue(), now);
            StoredValue v = engine.get(key(e.getKey()), now);
            if (expected == null) {
                assertNull(v);
            } else {
                assertEquals(expected.version(), v.version());
            }
        }
    }

    private static long applyEviction(ShardEngine engine, Command.Evict e, long index, long now,
                                      Map<Integer, Written> model, EvictionPolicy policy) {
        assertTrue(policy.evicts(), "noeviction planned an eviction");
        CommandResult.Evicted r = (CommandResult.Evicted) engine.apply(index, new CommandBatch(now, List.of(e))).get(0);
        int removed = 0;
        for (Command.VersionedKey k : e.keys()) {
            int id = Integer.parseInt(new String(k.key(), StandardCharsets.US_ASCII).substring(1));
            Written w = model.get(id);
            if (w != null && w.version() == k.version()) {
                if (policy.volatileOnly()) {
                    assertNotEquals(0, w.expiresAt(), policy + " evicted key " + id + " that has no expiry");
                }
                model.remove(id);
                removed++;
            }
        }
        assertEquals(removed, r.keys(), "the engine removed exactly the chosen keys still at their version");
        return index;
    }

    private static Written live(Written w, long now) {
        return w == null || (w.expiresAt() != 0 && w.expiresAt() <= now) ? null : w;
    }

    private static byte[] key(int id) {
        return ("k" + id).getBytes(StandardCharsets.US_ASCII);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> keys = Arbitraries.integers().between(0, 120);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Combinators.combine(keys, Arbitraries.integers().between(0, 700),
                        Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, 20_000)))
                        .as((k, n, t) -> (Op) new Put(k, n, t))),
                net.jqwik.api.Tuple.of(3, keys.map(k -> (Op) new Get(k))),
                net.jqwik.api.Tuple.of(1, keys.map(k -> (Op) new Delete(k))),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 5_000).map(m -> (Op) new Wait(m))));
        return op.list().ofMinSize(20).ofMaxSize(400);
    }

    @Property(tries = 30)
    void lruKeepsTheRecentlyReadKeys(@ForAll("seeds") long seed) {
        // 100 keys of ~500 bytes fill a 16 KiB shard 3 times over; a hot set read between every
        // write must survive allkeys-lru.
        ShardEngine engine = new ShardEngine(1, new HeapShardStore(),
                ShardLimits.withBudget(BUDGET).withEvictionPolicy(EvictionPolicy.ALLKEYS_LRU));
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        long now = 1_700_000_000_000L;
        long index = 0;
        List<Integer> hot = List.of(0, 1, 2, 3);
        for (int i = 0; i < 100; i++) {
            now += 20;
            for (int h : hot) {
                engine.get(key(h), now);
            }
            int k = i < hot.size() ? hot.get(i) : 10 + random.nextInt(1000);
            Command.Put put = new Command.Put(key(k), new byte[450 + random.nextInt(100)], 0);
            List<Command> entry = new ArrayList<>(engine.eviction().planRoomFor(EvictionPlanner.growthOf(List.of(put)), now));
            entry.add(put);
            List<CommandResult> results = engine.apply(++index, new CommandBatch(now, entry));
            assertTrue(results.get(results.size() - 1) instanceof CommandResult.Written, "refused: " + results);
        }
        assertTrue(engine.counters().evictedKeys() > 50, "evicted " + engine.counters().evictedKeys());
        for (int h : hot) {
            assertTrue(engine.get(key(h), now) != null, "hot key " + h + " was evicted");
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }
}
