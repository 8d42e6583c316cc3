package io.ringcache.chaos.adapter.workload;

import io.ringcache.chaos.core.BatchChecker;
import io.ringcache.chaos.core.Operation;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.Versioned;
import io.ringcache.routing.HashRing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Batches through the SDK: clients share a group of {@link #KEYS} keys (spread over the shards by
 * the ring) and either {@code putAll} one fresh value to every key of the group
 * ({@code w<client>-<n>}) or {@code getAll} the group, linearizable. Every batch is recorded key by
 * key into the register history (a put as one write per key, a read as one read per key, with the
 * batch's times; a failed batch leaves its writes unknown), so the linearizability checker covers
 * batches. The group moves on every {@link #OPS_PER_GROUP} batches. After the clients stop, every
 * group is read once more, and {@link BatchChecker} checks that each shard's part of the group
 * holds one value: a putAll is atomic per shard, as documented, not across shards.
 */
public final class BatchWorkload implements AutoCloseable {

    static final int KEYS = 6;
    static final int OPS_PER_GROUP = 100;
    /**
     * Operation ids of this workload start here, far above the register workload's (which counts
     * from 0 and makes well under a million per run), so ids stay unique within one history.
     */
    static final int FIRST_ID = 1_500_000_000;

    private final RingcacheClient sdk;
    private final int clients;
    private final long seed;
    private final Consumer<Operation> sink;
    private final AtomicInteger ids = new AtomicInteger(FIRST_ID);
    private final AtomicInteger completed = new AtomicInteger();
    private final Map<Integer, Set<String>> sent = new ConcurrentHashMap<>();
    private final ClientThreads threads = new ClientThreads();

    /**
     * @param sink gets every operation, from the clients' threads (must be thread-safe)
     */
    public BatchWorkload(RingcacheClient sdk, int clients, long seed, Consumer<Operation> sink) {
        this.sdk = sdk;
        this.clients = clients;
        this.seed = seed;
        this.sink = sink;
    }

    public void start() {
        threads.start("batch-client", clients, client -> {
            Random random = new Random(seed * 17 + client);
            return n -> {
                int group = completed.get() / OPS_PER_GROUP;
                if (random.nextBoolean()) {
                    put(group, "w" + client + "-" + n);
                } else {
                    read(group);
                }
                completed.incrementAndGet();
            };
        });
    }

    private void put(int group, String value) {
        List<String> keys = keys(group);
        List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>(keys.size());
        for (String k : keys) {
            entries.add(new AbstractMap.SimpleEntry<>(bytes(k), bytes(value)));
        }
        sent.computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet()).add(value);
        long invoked = System.nanoTime();
        Operation.Outcome outcome;
        long returned;
        try {
            sdk.putAll(entries, Duration.ZERO);
            outcome = new Operation.Outcome.Done();
            returned = System.nanoTime();
        } catch (RuntimeException e) {
            // Some parts may have applied: every key's write has an unknown outcome.
            outcome = new Operation.Outcome.Unknown();
            returned = Operation.NEVER;
        }
        for (String k : keys) {
            sink.accept(new Operation(ids.getAndIncrement(), k, new Operation.Call.Write(value), outcome, invoked, returned));
        }
    }

    /** One linearizable getAll of the group, recorded key by key; null when it was not answered. */
    private Map<String, String> read(int group) {
        List<String> keys = keys(group);
        List<byte[]> raw = keys.stream().map(BatchWorkload::bytes).toList();
        long invoked = System.nanoTime();
        List<Optional<Versioned>> values;
        try {
            values = sdk.getAllAsync(raw, ReadOptions.linearizable()).join();
        } catch (RuntimeException e) {
            return null; // a read that failed constrains nothing
        }
        long returned = System.nanoTime();
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String v = values.get(i).map(x -> new String(x.value(), StandardCharsets.UTF_8)).orElse(null);
            out.put(keys.get(i), v);
            sink.accept(new Operation(ids.getAndIncrement(), keys.get(i), new Operation.Call.Read(), new Operation.Outcome.Value(v),
                    invoked, returned));
        }
        return out;
    }

    /**
     * Stops the clients, then reads every group once more (retrying for up to {@code perGroup} each)
     * for the checker, naming each key's shard by {@code finalRing}, the ring at the end of the run.
     * Splits only divide shards, so two keys of one shard at the end shared a shard at every
     * moment of the run, and every batch wrote them in one command: they must agree. Two keys
     * that a split parted were written in separate commands since, and need not.
     */
    public List<BatchChecker.Group> finish(Duration perGroup, HashRing finalRing) throws InterruptedException {
        close();
        List<BatchChecker.Group> out = new ArrayList<>();
        for (int group : sent.keySet().stream().sorted().toList()) {
            Map<String, String> last = null;
            long deadline = System.nanoTime() + perGroup.toNanos();
            while (last == null && System.nanoTime() < deadline) {
                last = read(group);
                if (last == null) {
                    Thread.sleep(100);
                }
            }
            if (last == null) {
                continue; // unread: the register history's final reads report keys never answered
            }
            Map<String, Integer> shardOf = new HashMap<>();
            for (String k : keys(group)) {
                shardOf.put(k, finalRing.shardForKey(bytes(k)));
            }
            out.add(new BatchChecker.Group("b" + group, shardOf, last, sent.get(group)));
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        threads.close();
    }

    static List<String> keys(int group) {
        List<String> keys = new ArrayList<>(KEYS);
        for (int i = 0; i < KEYS; i++) {
            keys.add("b" + group + "." + i);
        }
        return keys;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
