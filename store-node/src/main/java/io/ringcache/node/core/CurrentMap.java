package io.ringcache.node.core;

import io.ringcache.placement.core.PartitionMap;
import java.util.Optional;

/**
 * The newest partition map this store has seen; only ever moves forward in epoch. Read by every
 * request thread (a volatile read), offered by the heartbeat thread and the map watch's gRPC threads: the monitor
 * makes the compare-and-replace of {@link #offer} atomic.
 */
public final class CurrentMap {

    private volatile PartitionMap map;
    private final RouteChanges changes = new RouteChanges();

    /** Told of every map adopted here; the store also tells it of leader changes. */
    public RouteChanges changes() {
        return changes;
    }

    public Optional<PartitionMap> get() {
        return Optional.ofNullable(map);
    }

    /** Adopts {@code next} if it is newer; returns true when it did. */
    public synchronized boolean offer(PartitionMap next) {
        if (map == null || next.epoch() > map.epoch()) {
            map = next;
            changes.mapChanged();
            return true;
        }
        return false;
    }
}
