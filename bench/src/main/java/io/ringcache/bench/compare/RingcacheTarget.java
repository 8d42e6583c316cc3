package io.ringcache.bench.compare;

import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.Versioned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * ringcache through its Java SDK as shipped (coalescing on, no near cache): {@code getAsync} with
 * linearizable reads, {@code putAsync} without TTL; a batch is one {@code getAllAsync} or
 * {@code putAllAsync} (split by shard inside the SDK, each shard's part applied atomically).
 */
public final class RingcacheTarget implements ComparedStore {

    private static final ReadOptions LINEARIZABLE = ReadOptions.linearizable();

    private final RingcacheClient client;
    private final LongAdder misses = new LongAdder();

    private RingcacheTarget(RingcacheClient client) {
        this.client = client;
    }

    /** Connects through the placement driver(s) at {@code addresses} (host:port, comma-separated). */
    public static RingcacheTarget connect(String addresses, Duration timeout) {
        return new RingcacheTarget(RingcacheClient.builder()
                .placementDriver(addresses.split(","))
                .requestTimeout(timeout)
                .build());
    }

    @Override
    public String name() {
        return "ringcache";
    }

    @Override
    public CompletableFuture<?> read(byte[] key) {
        return client.getAsync(key, LINEARIZABLE).thenAccept(v -> {
            if (v.isEmpty()) {
                misses.increment();
            }
        });
    }

    @Override
    public CompletableFuture<?> update(byte[] key, byte[] value) {
        return client.putAsync(key, value, Duration.ZERO);
    }

    @Override
    public CompletableFuture<?> readAll(List<byte[]> keys) {
        return client.getAllAsync(keys, LINEARIZABLE).thenAccept(values -> {
            for (Optional<Versioned> v : values) {
                if (v.isEmpty()) {
                    misses.increment();
                }
            }
        });
    }

    @Override
    public CompletableFuture<?> updateAll(List<byte[]> keys, byte[] value) {
        List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            entries.add(Map.entry(k, value));
        }
        return client.putAllAsync(entries, Duration.ZERO);
    }

    @Override
    public long misses() {
        return misses.sum();
    }

    @Override
    public void close() {
        client.close();
    }
}
