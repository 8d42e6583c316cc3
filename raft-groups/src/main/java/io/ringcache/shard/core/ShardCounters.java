package io.ringcache.shard.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one shard replica counted since it started: reads that found their key and reads that
 * did not, keys evicted (and their logical bytes) and keys reclaimed by expiry. Monotonic, for
 * metrics; not part of the replicated state (a replica restored from a snapshot starts from 0).
 * Reads count on the reading threads ({@link LongAdder}, no contention between readers); the
 * rest on the apply thread.
 */
public final class ShardCounters {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final AtomicLong evictedKeys = new AtomicLong();
    private final AtomicLong evictedBytes = new AtomicLong();
    private final AtomicLong expiredKeys = new AtomicLong();

    void read(boolean found) {
        (found ? hits : misses).increment();
    }

    void evicted(int keys, long bytes) {
        evictedKeys.addAndGet(keys);
        evictedBytes.addAndGet(bytes);
    }

    void expired(int keys) {
        expiredKeys.addAndGet(keys);
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long evictedKeys() {
        return evictedKeys.get();
    }

    public long evictedBytes() {
        return evictedBytes.get();
    }

    public long expiredKeys() {
        return expiredKeys.get();
    }
}
