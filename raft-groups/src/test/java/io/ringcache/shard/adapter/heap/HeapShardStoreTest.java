package io.ringcache.shard.adapter.heap;

import io.ringcache.shard.core.ShardStore;
import io.ringcache.shard.core.ShardStoreContract;

class HeapShardStoreTest extends ShardStoreContract {

    @Override
    protected ShardStore newStore() {
        return new HeapShardStore();
    }
}
