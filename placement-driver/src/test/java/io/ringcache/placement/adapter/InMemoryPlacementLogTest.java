package io.ringcache.placement.adapter;

import io.ringcache.placement.adapter.memory.InMemoryPlacementLog;
import io.ringcache.placement.core.PlacementLog;

class InMemoryPlacementLogTest extends PlacementLogContract {

    @Override
    protected PlacementLog log() {
        return new InMemoryPlacementLog();
    }
}
