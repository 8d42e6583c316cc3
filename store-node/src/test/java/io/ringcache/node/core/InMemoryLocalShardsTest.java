package io.ringcache.node.core;

import io.ringcache.shard.core.ShardLimits;

class InMemoryLocalShardsTest extends LocalShardsContract {

    private final InMemoryLocalShards shards = new InMemoryLocalShards("self", ShardLimits.withBudget(1 << 20), () -> 1_000)
            .host(LED, "self");

    @Override
    protected LocalShards shards() {
        return shards;
    }
}
