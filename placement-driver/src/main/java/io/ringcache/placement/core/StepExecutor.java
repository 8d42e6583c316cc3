package io.ringcache.placement.core;

/**
 * The port through which the placement driver's calls reach the stores. Adapters: gRPC to the
 * stores' admin service; the placement simulation's in-memory cluster.
 */
public interface StepExecutor {

    /**
     * Runs one call against the stores of {@code map}. Returns normally when the call did what it
     * asks; throws (any runtime exception, its message the store's reason) when it did not.
     */
    void execute(StepAction action, PartitionMap map);
}
