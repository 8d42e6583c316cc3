package io.ringcache.shard.app;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.core.ShardStore;
import java.util.function.IntFunction;

/** The composition root's choice of {@link ShardStore} adapter for shard replicas. */
final class StoreChoice {

    private StoreChoice() {
    }

    static IntFunction<ShardStore> defaultStores() {
        return shard -> new HeapShardStore();
    }
}
