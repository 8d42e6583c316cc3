package io.ringcache.shard.adapter.heap;

import io.ringcache.shard.core.ShardEngineContract;
import io.ringcache.shard.core.ShardStore;

class HeapShardEngineTest extends ShardEngineContract {

    @Override
    protected ShardStore newStore() {
        return new HeapShardStore();
    }
}
