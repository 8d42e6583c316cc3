package io.ringcache.node.core;

import io.ringcache.placement.core.access.AccessTable;

/**
 * The access table this store enforces: the latest placement sent (at registration, then in a
 * heartbeat reply whenever it changes, so a change reaches every store within about a heartbeat).
 * Null until the first arrives: the front doors then refuse rather than guess (fail closed).
 */
public final class AccessRules {

    private volatile AccessTable table;
    private final java.util.concurrent.CompletableFuture<AccessTable> first = new java.util.concurrent.CompletableFuture<>();

    /** The table in force, or null while none is known. */
    public AccessTable get() {
        return table;
    }

    /**
     * Completes once a table is known (at once when one is): a front door waits on it, within
     * its request's deadline, as the request path waits for the partition map, which arrives
     * with it at registration.
     */
    public java.util.concurrent.CompletableFuture<AccessTable> known() {
        return first;
    }

    /** Placement's latest table; it is the authority, so it replaces whatever was here. */
    public void learn(AccessTable next) {
        table = next;
        first.complete(next);
    }

    /** A store whose every request is allowed (tests, tools): auth off, no users. */
    public static AccessRules open() {
        AccessRules rules = new AccessRules();
        rules.learn(AccessTable.EMPTY);
        return rules;
    }
}
