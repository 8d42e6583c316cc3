package io.ringcache.shard.core;

import io.ringcache.routing.KeyLimits;

/**
 * What one shard accepts.
 *
 * @param maxKeyBytes      the longest key (4 KiB by default)
 * @param maxValueBytes    the longest value (1 MiB by default)
 * @param memoryBudgetBytes the logical bytes ({@link ShardStore#bytesUsed()}) the shard may hold
 * @param evictionPolicy   what the shard's leader does when writes need room the budget lacks
 */
public record ShardLimits(int maxKeyBytes, int maxValueBytes, long memoryBudgetBytes, EvictionPolicy evictionPolicy) {

    public static final int DEFAULT_MAX_KEY_BYTES = KeyLimits.MAX_KEY_BYTES;
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;

    public ShardLimits {
        if (maxKeyBytes < 1 || maxValueBytes < 0 || memoryBudgetBytes < 1) {
            throw new IllegalArgumentException("invalid shard limits: key " + maxKeyBytes
                    + ", value " + maxValueBytes + ", budget " + memoryBudgetBytes);
        }
        java.util.Objects.requireNonNull(evictionPolicy, "evictionPolicy");
    }

    /** Limits that never evict ({@link EvictionPolicy#NOEVICTION}): a full shard refuses writes. */
    public ShardLimits(int maxKeyBytes, int maxValueBytes, long memoryBudgetBytes) {
        this(maxKeyBytes, maxValueBytes, memoryBudgetBytes, EvictionPolicy.NOEVICTION);
    }

    /** These limits with {@code policy}. */
    public ShardLimits withEvictionPolicy(EvictionPolicy policy) {
        return new ShardLimits(maxKeyBytes, maxValueBytes, memoryBudgetBytes, policy);
    }

    /** The default key and value limits with the given memory budget. */
    public static ShardLimits withBudget(long memoryBudgetBytes) {
        return new ShardLimits(DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES, memoryBudgetBytes);
    }
}
