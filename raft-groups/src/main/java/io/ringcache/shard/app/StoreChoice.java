package io.ringcache.shard.app;

import io.ringcache.shard.adapter.chronicle.ChronicleShardStore;
import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.core.ShardStore;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The composition root's choice of {@link ShardStore} adapter for shard replicas: off-heap
 * (Chronicle Map) by default, on-heap with {@code -Dringcache.store=heap}.
 */
final class StoreChoice {

    private StoreChoice() {
    }

    static IntFunction<ShardStore> stores(long budgetBytesPerShard) {
        String choice = System.getProperty("ringcache.store", "offheap").toLowerCase(Locale.ROOT);
        switch (choice) {
            case "offheap":
                return shard -> ChronicleShardStore.forBudget(budgetBytesPerShard);
            case "heap":
                return shard -> new HeapShardStore();
            default:
                throw new IllegalArgumentException("ringcache.store must be offheap or heap, not " + choice);
        }
    }
}
