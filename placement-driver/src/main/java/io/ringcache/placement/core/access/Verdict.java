package io.ringcache.placement.core.access;

/** The access table's answer to one request. */
public enum Verdict {
    ALLOWED,
    /** Auth is on and the request named nobody (or a user that no longer exists). */
    UNAUTHENTICATED,
    /** The user is known but holds no right for this. */
    DENIED
}
