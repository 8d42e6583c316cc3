package io.ringcache.bench;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandBatch;
import io.ringcache.shard.core.EvictionPlanner;
import io.ringcache.shard.core.EvictionPolicy;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.ShardStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Hit ratio of ringcache's eviction against exact LRU and exact LFU at the same memory, on
 * recorded traces of a read-through cache (read; on a miss, write the value). ringcache's side is
 * the real shard engine and planner driven as a leader drives them: room made before each write
 * ({@link EvictionPlanner#planRoomFor}), a tick every 100 ms of trace time. The exact policies
 * are textbook: LRU evicts the least recently used key, LFU the key with the fewest uses since it
 * entered (ties: least recent), both until the same logical bytes fit.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.ringcache.bench.EvictionTraces [accesses=2000000] [budget_mib=8]
 * </pre>
 * Traces: {@code zipfian} (YCSB's theta 0.99, scrambled) over four times as many keys as fit;
 * {@code scan} the same Zipfian half of the time and a sequential scan over a cold range ten
 * times the cache the other half (the pattern that defeats LRU).
 */
public final class EvictionTraces {

    static final int VALUE_BYTES = 100;
    /** Trace time per access: 10,000 accesses per second on the shard. */
    static final double MILLIS_PER_ACCESS = 0.1;

    private EvictionTraces() {
    }

    /** A trace: the key index of each access. */
    record Trace(String name, int[] keys) {
    }

    public static void main(String[] args) throws java.io.IOException {
        Map<String, String> options = new NameValueOptions()
                .add("accesses", "2000000", "accesses per trace")
                .add("budget_mib", "8", "the cache's memory in MiB")
                .add("redis", "", "host:port of a Redis server to replay the traces against too (paced)")
                .add("redis_rate", "10000", "accesses per second of the Redis replay (the trace's rate)")
                .parse(args);
        int accesses = Integer.parseInt(options.get("accesses"));
        long budget = Long.parseLong(options.get("budget_mib")) << 20;
        int fits = (int) (budget / ShardStore.chargeOf(10, VALUE_BYTES));
        System.out.printf(Locale.ROOT, "# %d accesses, budget %d MiB (about %d keys of %d bytes)%n",
                accesses, budget >> 20, fits, VALUE_BYTES);
        System.out.println("| trace | exact LRU | exact LFU | allkeys-lru | allkeys-lfu | allkeys-random |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        List<Trace> traces = List.of(zipfian(accesses, 4 * fits, 1), scan(accesses, 4 * fits, 10 * fits, 2));
        for (Trace trace : traces) {
            System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %.4f |%n", trace.name(),
                    exactLru(trace, budget), exactLfu(trace, budget),
                    ringcache(trace, budget, EvictionPolicy.ALLKEYS_LRU),
                    ringcache(trace, budget, EvictionPolicy.ALLKEYS_LFU),
                    ringcache(trace, budget, EvictionPolicy.ALLKEYS_RANDOM));
        }
        if (!options.get("redis").isEmpty()) {
            String[] hp = options.get("redis").split(":");
            int rate = Integer.parseInt(options.get("redis_rate"));
            System.out.println();
            System.out.println("| trace (Redis, same keys fit, " + rate + " accesses/s) | allkeys-lru | allkeys-lfu | allkeys-random |");
            System.out.println("|---|---:|---:|---:|");
            try (RedisTraceReplay redis = new RedisTraceReplay(hp[0], Integer.parseInt(hp[1]))) {
                for (Trace trace : traces) {
                    double[] r = new double[3];
                    String[] policies = {"allkeys-lru", "allkeys-lfu", "allkeys-random"};
                    for (int i = 0; i < 3; i++) {
                        r[i] = redis.replay(trace.keys(), policies[i], fits, new byte[VALUE_BYTES], rate);
                    }
                    System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.4f |%n", trace.name(), r[0], r[1], r[2]);
                }
            }
        }
    }

    static Trace zipfian(int accesses, int items, long seed) {
        Zipfian z = Zipfian.ycsb(items);
        SplittableRandom random = new SplittableRandom(seed);
        int[] keys = new int[accesses];
        for (int i = 0; i < accesses; i++) {
            keys[i] = z.next(random);
        }
        return new Trace("zipfian", keys);
    }

    static Trace scan(int accesses, int items, int scanRange, long seed) {
        Zipfian z = Zipfian.ycsb(items);
        SplittableRandom random = new SplittableRandom(seed);
        int[] keys = new int[accesses];
        int cursor = 0;
        for (int i = 0; i < accesses; i++) {
            keys[i] = random.nextBoolean() ? z.next(random) : items + (cursor++ % scanRange);
        }
        return new Trace("scan", keys);
    }

    /** The hit ratio of ringcache's engine and planner under {@code policy}. */
    static double ringcache(Trace trace, long budget, EvictionPolicy policy) {
        ShardEngine engine = new ShardEngine(1, new HeapShardStore(), ShardLimits.withBudget(budget).withEvictionPolicy(policy));
        long start = 1_700_000_000_000L;
        long index = 0;
        long nextTick = start + 100;
        long hits = 0;
        byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < trace.keys().length; i++) {
            long now = start + (long) (i * MILLIS_PER_ACCESS);
            if (now >= nextTick) {
                for (Command.Evict e : engine.eviction().planTick(now)) {
                    engine.apply(++index, new CommandBatch(now, List.of(e)));
                }
                nextTick += 100;
            }
            byte[] key = key(trace.keys()[i]);
            if (engine.get(key, now) != null) {
                hits++;
                continue;
            }
            Command.Put put = new Command.Put(key, value, 0);
            List<Command> entry = new ArrayList<>(engine.eviction().planRoomFor(EvictionPlanner.growthOf(List.of(put)), now));
            entry.add(put);
            engine.apply(++index, new CommandBatch(now, entry));
        }
        return (double) hits / trace.keys().length;
    }

    static double exactLru(Trace trace, long budget) {
        LinkedHashMap<Integer, Long> cache = new LinkedHashMap<>(16, 0.75f, true);
        long used = 0;
        long hits = 0;
        for (int k : trace.keys()) {
            if (cache.get(k) != null) {
                hits++;
                continue;
            }
            long charge = charge(k);
            Iterator<Map.Entry<Integer, Long>> eldest = cache.entrySet().iterator();
            while (used + charge > budget && eldest.hasNext()) {
                used -= eldest.next().getValue();
                eldest.remove();
            }
            cache.put(k, charge);
            used += charge;
        }
        return (double) hits / trace.keys().length;
    }

    static double exactLfu(Trace trace, long budget) {
        record Use(long count, long last, int key) {
        }
        TreeSet<Use> order = new TreeSet<>((a, b) -> a.count != b.count ? Long.compare(a.count, b.count)
                : a.last != b.last ? Long.compare(a.last, b.last) : Integer.compare(a.key, b.key));
        Map<Integer, Use> cache = new HashMap<>();
        long used = 0;
        long hits = 0;
        long clock = 0;
        for (int k : trace.keys()) {
            clock++;
            Use u = cache.get(k);
            if (u != null) {
                hits++;
                order.remove(u);
                Use next = new Use(u.count + 1, clock, k);
                order.add(next);
                cache.put(k, next);
                continue;
            }
            long charge = charge(k);
            while (used + charge > budget && !order.isEmpty()) {
                Use victim = order.pollFirst();
                cache.remove(victim.key);
                used -= charge(victim.key);
            }
            Use fresh = new Use(1, clock, k);
            order.add(fresh);
            cache.put(k, fresh);
            used += charge;
        }
        return (double) hits / trace.keys().length;
    }

    private static long charge(int k) {
        return ShardStore.chargeOf(key(k).length, VALUE_BYTES);
    }

    private static byte[] key(int k) {
        return ("key:" + k).getBytes(StandardCharsets.US_ASCII);
    }
}
