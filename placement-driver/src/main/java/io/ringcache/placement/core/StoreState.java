package io.ringcache.placement.core;

/** A store's lifecycle as placement sees it. */
public enum StoreState {
    /** Heartbeating; may hold replicas and receive new ones. */
    UP,
    /** Missed heartbeats; its replicas will be replaced after the down time. */
    DOWN,
    /** The operator asked to move everything off it. */
    DRAINING,
    /** Gone for good; its id is never reused. */
    REMOVED
}
