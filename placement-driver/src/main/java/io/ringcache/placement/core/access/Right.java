package io.ringcache.placement.core.access;

/** What a request does to a key. */
public enum Right {
    READ,
    WRITE
}
