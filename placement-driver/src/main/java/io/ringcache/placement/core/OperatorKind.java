package io.ringcache.placement.core;

/** What an operator changes. */
public enum OperatorKind {
    /** Adds a replica on the target (learner, catch-up, promote), then removes the source's if one is named. */
    MOVE_REPLICA,
    /** Removes the source's replica (an over-replicated shard, or an operator's explicit request). */
    REMOVE_REPLICA,
    /** Hands the shard's leadership from the source to the target. */
    TRANSFER_LEADER,
    /**
     * Splits the shard: a new shard takes half of its ring slots, with the same voters (see
     * {@link OperatorSteps}). The operator's target holds the new shard's id once it runs.
     */
    SPLIT_SHARD
}
