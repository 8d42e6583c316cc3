package io.ringcache.placement.core;

/**
 * The placement driver's knobs.
 *
 * @param replicas              voting replicas every shard should have (when enough stores are up)
 * @param initialShards         shards created when the first store registers
 * @param downAfterMillis       a store silent this long is DOWN (heartbeats come every second)
 * @param repairAfterMillis     a store silent this long has its replicas replaced elsewhere
 * @param maxConcurrentMoves    replica moves and removals running at once, cluster-wide
 * @param maxConcurrentTransfers leader transfers running at once, cluster-wide
 * @param stepTimeoutMillis     a step (other than catch-up) stalled this long is rolled back or failed
 * @param catchUpTimeoutMillis  a learner that has not caught up after this long is rolled back
 * @param hotRatio              a store leading more than this multiple of the mean ops/s is hot
 * @param hotMinOpsPerSecond    below this many ops/s no store counts as hot
 * @param autoBalance           whether replica and leader balance run by themselves (repair always does)
 * @param splits                when shards split by themselves (independent of {@code autoBalance})
 */
public record SchedulingConfig(int replicas, int initialShards, long downAfterMillis, long repairAfterMillis,
                               int maxConcurrentMoves, int maxConcurrentTransfers, long stepTimeoutMillis,
                               long catchUpTimeoutMillis, double hotRatio, double hotMinOpsPerSecond,
                               boolean autoBalance, SplitTriggers splits) {

    public SchedulingConfig {
        if (replicas < 1 || initialShards < 1) {
            throw new IllegalArgumentException("replicas and initial shards must be at least 1");
        }
        if (downAfterMillis < 1 || repairAfterMillis < downAfterMillis) {
            throw new IllegalArgumentException("repair-after (" + repairAfterMillis + " ms) must be at least down-after ("
                    + downAfterMillis + " ms)");
        }
        if (maxConcurrentMoves < 1 || maxConcurrentTransfers < 1) {
            throw new IllegalArgumentException("concurrency limits must be at least 1");
        }
        if (splits == null) {
            throw new IllegalArgumentException("split triggers missing (SplitTriggers.OFF turns them off)");
        }
        if (hotRatio <= 1.0) {
            throw new IllegalArgumentException("the hot ratio must exceed 1, not " + hotRatio);
        }
    }

    public static SchedulingConfig defaults(int initialShards) {
        return new SchedulingConfig(3, initialShards, 5_000, 30_000, 3, 8, 60_000, 300_000, 2.0, 200, true,
                SplitTriggers.DEFAULTS);
    }

    public SchedulingConfig withRepairAfter(long downAfter, long repairAfter) {
        return new SchedulingConfig(replicas, initialShards, downAfter, repairAfter, maxConcurrentMoves,
                maxConcurrentTransfers, stepTimeoutMillis, catchUpTimeoutMillis, hotRatio, hotMinOpsPerSecond, autoBalance, splits);
    }

    public SchedulingConfig withAutoBalance(boolean on) {
        return new SchedulingConfig(replicas, initialShards, downAfterMillis, repairAfterMillis, maxConcurrentMoves,
                maxConcurrentTransfers, stepTimeoutMillis, catchUpTimeoutMillis, hotRatio, hotMinOpsPerSecond, on, splits);
    }

    public SchedulingConfig withReplicas(int n) {
        return new SchedulingConfig(n, initialShards, downAfterMillis, repairAfterMillis, maxConcurrentMoves,
                maxConcurrentTransfers, stepTimeoutMillis, catchUpTimeoutMillis, hotRatio, hotMinOpsPerSecond, autoBalance, splits);
    }

    public SchedulingConfig withTimeouts(long step, long catchUp) {
        return new SchedulingConfig(replicas, initialShards, downAfterMillis, repairAfterMillis, maxConcurrentMoves,
                maxConcurrentTransfers, step, catchUp, hotRatio, hotMinOpsPerSecond, autoBalance, splits);
    }

    public SchedulingConfig withSplits(SplitTriggers triggers) {
        return new SchedulingConfig(replicas, initialShards, downAfterMillis, repairAfterMillis, maxConcurrentMoves,
                maxConcurrentTransfers, stepTimeoutMillis, catchUpTimeoutMillis, hotRatio, hotMinOpsPerSecond, autoBalance,
                triggers);
    }

    public SchedulingConfig withConcurrency(int moves, int transfers) {
        return new SchedulingConfig(replicas, initialShards, downAfterMillis, repairAfterMillis, moves, transfers,
                stepTimeoutMillis, catchUpTimeoutMillis, hotRatio, hotMinOpsPerSecond, autoBalance, splits);
    }
}
