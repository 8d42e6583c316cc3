package io.ringcache.shard.core;

import io.ringcache.routing.KeyLimits;

/**
 * What one shard accepts.
 *
 * @param maxKeyBytes      the longest key (4 KiB by default)
 * @param maxValueBytes    the longest value (1 MiB by default)
 * @param memoryBudgetBytes the logical bytes ({@link ShardStore#bytesUsed()}) the shard may hold
 */
public record ShardLimits(int maxKeyBytes, int maxValueBytes, long memoryBudgetBytes) {

    public static final int DEFAULT_MAX_KEY_BYTES = KeyLimits.MAX_KEY_BYTES;
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;

    public ShardLimits {
        if (maxKeyBytes < 1 || maxValueBytes < 0 || memoryBudgetBytes < 1) {
            throw new IllegalArgumentException("invalid shard limits: key " + maxKeyBytes
                    + ", value " + maxValueBytes + ", budget " + memoryBudgetBytes);
        }
    }

    /** The default key and value limits with the given memory budget. */
    public static ShardLimits withBudget(long memoryBudgetBytes) {
        return new ShardLimits(DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES, memoryBudgetBytes);
    }
}
