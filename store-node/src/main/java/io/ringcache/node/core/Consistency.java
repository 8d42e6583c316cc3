package io.ringcache.node.core;

/** How fresh a read must be. */
public enum Consistency {
    /** Sees every write acknowledged before it started: served by the leader after a read-index round. */
    LINEARIZABLE,
    /** Served by any replica once it has applied what the leader had committed when the read began. */
    FOLLOWER,
    /** Served by any replica from what it has applied; may miss recent writes. */
    STALE;

    /** True when any replica (not only the leader) may serve the read. */
    public boolean anyReplica() {
        return this != LINEARIZABLE;
    }
}
