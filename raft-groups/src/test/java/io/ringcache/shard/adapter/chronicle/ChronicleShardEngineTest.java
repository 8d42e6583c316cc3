package io.ringcache.shard.adapter.chronicle;

import io.ringcache.shard.core.ShardEngineContract;
import io.ringcache.shard.core.ShardStore;

class ChronicleShardEngineTest extends ShardEngineContract {

    @Override
    protected ShardStore newStore() {
        return ChronicleShardStore.forBudget(ChronicleShardStoreFullTest.TEST_BUDGET);
    }
}
