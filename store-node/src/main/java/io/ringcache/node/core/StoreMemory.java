package io.ringcache.node.core;

/**
 * A store's memory for its shard replicas: {@code budgetBytes} in all, {@code shardBudgetBytes}
 * per replica (each replica's off-heap map is sized for its budget up front), so the store holds
 * at most {@link #maxReplicas()} replicas. Placement reads both from heartbeats and never gives a
 * store more (splits included); the store refuses to host a replica past it.
 */
public record StoreMemory(long budgetBytes, long shardBudgetBytes) {

    public StoreMemory {
        if (shardBudgetBytes < 1) {
            throw new IllegalArgumentException("a shard replica's budget must be positive");
        }
        if (budgetBytes < shardBudgetBytes) {
            throw new IllegalArgumentException("-maxmemory (" + budgetBytes + " bytes) does not hold even one shard replica of "
                    + shardBudgetBytes + " bytes (-shard_memory_mb)");
        }
    }

    /**
     * The budget a flag names: a size ({@code 8GiB}) or a percentage ({@code 25%}) of
     * {@code machineBytes}, the container's memory limit or the machine's RAM.
     */
    public static long parse(String flag, long machineBytes, java.util.function.ToLongFunction<String> sizes) {
        String t = flag.trim();
        if (t.endsWith("%")) {
            double percent;
            try {
                percent = Double.parseDouble(t.substring(0, t.length() - 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-maxmemory must be a size like 8GiB or a percentage like 25%, not '" + flag + "'");
            }
            if (!(percent > 0 && percent <= 100)) {
                throw new IllegalArgumentException("-maxmemory percentage must be in (0, 100], not '" + flag + "'");
            }
            return (long) (machineBytes * percent / 100);
        }
        return sizes.applyAsLong(t);
    }

    public long maxReplicas() {
        return budgetBytes / shardBudgetBytes;
    }

    /** Whether a store hosting {@code hosted} replicas has room for one more. */
    public boolean roomForOneMore(int hosted) {
        return hosted + 1 <= maxReplicas();
    }
}
