package io.ringcache.placement.core;

/** An operator's lifecycle. */
public enum OperatorStatus {
    /** Queued behind the concurrency limit. */
    PENDING,
    RUNNING,
    DONE,
    FAILED,
    CANCELLED;

    public boolean finished() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
