package io.ringcache.node.core;

/**
 * This store's figures as a cache, summed over the shard replicas it hosts: what Redis' {@code INFO
 * memory} and {@code INFO stats} report for one server. Evictions and expiries count once per
 * replica that applied them (every replica frees the memory); hits and misses count where reads
 * were served (leaders, and followers for stale reads).
 *
 * @param usedBytes    logical bytes held (key + value + 48 per entry)
 * @param maxBytes     the store's -maxmemory
 * @param policy       the -maxmemory_policy, as Redis names it
 */
public record CacheStats(long usedBytes, long maxBytes, String policy, long evictedKeys, long evictedBytes,
                         long expiredKeys, long hits, long misses) {

    /** Figures of a store that hosts nothing yet. */
    public static CacheStats empty(long maxBytes, String policy) {
        return new CacheStats(0, maxBytes, policy, 0, 0, 0, 0, 0);
    }
}
