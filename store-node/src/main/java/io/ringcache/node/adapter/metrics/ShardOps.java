package io.ringcache.node.adapter.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests served per shard on this store (reads and writes, as a local leader or replica), so
 * heartbeats can report each shard's ops/s and the placement driver can spot hot stores.
 */
public final class ShardOps {

    private final Map<Integer, LongAdder> counts = new ConcurrentHashMap<>();

    public void record(int shardId) {
        counts.computeIfAbsent(shardId, k -> new LongAdder()).increment();
    }

    /** Requests served on {@code shardId} since this store started. */
    public long total(int shardId) {
        LongAdder a = counts.get(shardId);
        return a == null ? 0 : a.sum();
    }
}
