package io.ringcache.placement.core;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Where the placement state lives: replicated by the PD's own Raft group in production, in memory
 * in tests. Only the PD leader commits; every member applies and can read.
 */
public interface PlacementLog {

    /** The latest state this member has applied. */
    PlacementState current();

    /**
     * Replicates {@code next}, computed from {@code base}; it takes effect only if {@code base} is
     * still the current revision when the entry applies.
     *
     * @return the state after the entry applied
     * @throws NotPlacementLeaderException when this member does not lead
     * @throws ConcurrentChangeException   when the state moved on since {@code base}
     * @throws IOException                 when the change could not be committed in time
     */
    PlacementState commit(PlacementState base, PlacementState next) throws IOException;

    /** Calls {@code listener} with every applied state from now on, on the applying thread. */
    void addListener(Consumer<PlacementState> listener);

    void removeListener(Consumer<PlacementState> listener);

    /** The state moved on between read and commit (another leader committed first). */
    final class ConcurrentChangeException extends IOException {
        public ConcurrentChangeException(long base, long current) {
            super("placement state moved from revision " + base + " to " + current + " meanwhile");
        }
    }
}
