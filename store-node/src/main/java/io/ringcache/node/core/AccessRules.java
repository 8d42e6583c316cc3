package io.ringcache.node.core;

import io.ringcache.placement.core.access.AccessTable;

/**
 * The access table this store enforces: the latest placement sent (at registration, then in a
 * heartbeat reply whenever it changes, so a change reaches every store within about a heartbeat).
 * Null until the first arrives: the front doors then refuse rather than guess (fail closed).
 */
public final class AccessRules {

    private volatile AccessTable table;

    /** The table in force, or null while none is known. */
    public AccessTable get() {
        return table;
    }

    /** Placement's latest table; it is the authority, so it replaces whatever was here. */
    public void learn(AccessTable next) {
        table = next;
    }

    /** A store whose every request is allowed (tests, tools): auth off, no users. */
    public static AccessRules open() {
        AccessRules rules = new AccessRules();
        rules.learn(AccessTable.EMPTY);
        return rules;
    }
}
