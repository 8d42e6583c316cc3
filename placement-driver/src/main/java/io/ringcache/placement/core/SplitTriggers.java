package io.ringcache.placement.core;

/**
 * When a shard splits by itself ({@link SplitScheduler}); 0 turns a trigger off.
 *
 * @param sizeBytes     a shard whose leader reports at least this many bytes splits. The default,
 *                      32 MiB, is half of a store's default budget per shard replica (64 MiB), so
 *                      both halves have room to grow before either is full
 * @param opsPerSecond  a shard whose leader reports at least this many ops/s ...
 * @param loadMillis    ... in every heartbeat for this long splits (TiKV's load-based split), so a
 *                      hot shard's load can spread over two leaders
 * @param maxShards     no trigger splits past this many shards (ringctl split still can)
 */
public record SplitTriggers(long sizeBytes, double opsPerSecond, long loadMillis, int maxShards) {

    public static final SplitTriggers DEFAULTS = new SplitTriggers(32L << 20, 10_000, 60_000, 1_024);
    public static final SplitTriggers OFF = new SplitTriggers(0, 0, 0, 0);

    public SplitTriggers {
        if (sizeBytes < 0 || opsPerSecond < 0 || loadMillis < 0 || maxShards < 0) {
            throw new IllegalArgumentException("split triggers must not be negative");
        }
    }

    public boolean bySize() {
        return sizeBytes > 0 && maxShards > 0;
    }

    public boolean byLoad() {
        return opsPerSecond > 0 && maxShards > 0;
    }
}
