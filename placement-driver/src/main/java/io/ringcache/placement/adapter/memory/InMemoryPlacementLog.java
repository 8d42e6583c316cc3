package io.ringcache.placement.adapter.memory;

import io.ringcache.placement.core.NotPlacementLeaderException;
import io.ringcache.placement.core.PlacementLog;
import io.ringcache.placement.core.PlacementState;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A placement log that keeps the state in memory only: a real, non-replicated implementation for
 * tests and simulations. {@link #setLeader(boolean)} lets a test depose it.
 */
public final class InMemoryPlacementLog implements PlacementLog {

    private final List<Consumer<PlacementState>> listeners = new CopyOnWriteArrayList<>();
    private volatile PlacementState state;
    private volatile boolean leader = true;

    public InMemoryPlacementLog() {
        this(PlacementState.EMPTY);
    }

    public InMemoryPlacementLog(PlacementState initial) {
        this.state = initial;
    }

    public void setLeader(boolean leads) {
        this.leader = leads;
    }

    @Override
    public PlacementState current() {
        return state;
    }

    @Override
    public synchronized PlacementState commit(PlacementState base, PlacementState next) throws IOException {
        if (!leader) {
            throw new NotPlacementLeaderException("", "");
        }
        if (base.revision() != state.revision()) {
            throw new ConcurrentChangeException(base.revision(), state.revision());
        }
        PlacementState applied = new PlacementState(base.revision() + 1, next.map(), next.operators(), next.nextOperatorId(),
                next.access());
        if (applied.map() != null && state.map() != null && applied.map().epoch() < state.map().epoch()) {
            throw new IllegalStateException("map epoch would go back from " + state.map().epoch() + " to " + applied.map().epoch());
        }
        state = applied;
        for (var l : listeners) {
            l.accept(applied);
        }
        return applied;
    }

    @Override
    public void addListener(Consumer<PlacementState> listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Consumer<PlacementState> listener) {
        listeners.remove(listener);
    }
}
