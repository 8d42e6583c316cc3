package io.ringcache.shard.adapter.chronicle;

import io.ringcache.shard.core.ShardStore;
import io.ringcache.shard.core.ShardStoreContract;

class ChronicleShardStoreTest extends ShardStoreContract {

    @Override
    protected ShardStore newStore() {
        return ChronicleShardStore.forBudget(ChronicleShardStoreFullTest.TEST_BUDGET);
    }
}
