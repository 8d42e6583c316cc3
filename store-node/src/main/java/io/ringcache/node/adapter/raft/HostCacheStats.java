package io.ringcache.node.adapter.raft;

import io.ringcache.node.core.CacheStats;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.ShardCounters;
import io.ringcache.shard.core.ShardEngine;
import java.util.Optional;
import java.util.function.Supplier;

/** Sums the shard engines' counters and bytes over every replica a host holds ({@link CacheStats}). */
public final class HostCacheStats implements Supplier<CacheStats> {

    private final ShardGroupHost host;
    private final long maxBytes;
    private final String policy;

    public HostCacheStats(ShardGroupHost host, long maxBytes, String policy) {
        this.host = host;
        this.maxBytes = maxBytes;
        this.policy = policy;
    }

    @Override
    public CacheStats get() {
        long used = 0;
        long evictedKeys = 0;
        long evictedBytes = 0;
        long expired = 0;
        long hits = 0;
        long misses = 0;
        for (int shard : host.hostedShards()) {
            Optional<ShardEngine> engine = host.engine(shard);
            if (engine.isEmpty()) {
                continue;
            }
            ShardCounters c = engine.get().counters();
            used += engine.get().store().bytesUsed();
            evictedKeys += c.evictedKeys();
            evictedBytes += c.evictedBytes();
            expired += c.expiredKeys();
            hits += c.hits();
            misses += c.misses();
        }
        return new CacheStats(used, maxBytes, policy, evictedKeys, evictedBytes, expired, hits, misses);
    }
}
