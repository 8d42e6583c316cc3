package io.ringcache.shard.core;

/** Why a shard refused a command or a query. Adapters map these to the wire's typed errors. */
public enum ShardError {
    /** A key is empty or longer than the configured maximum. */
    KEY_TOO_LARGE,
    /** A value is longer than the configured maximum. */
    VALUE_TOO_LARGE,
    /** The shard reached its memory budget; nothing stored was touched. */
    RESOURCE_EXHAUSTED,
    /** The command is malformed or names something invalid (a negative TTL, an empty key). */
    INVALID_ARGUMENT,
    /**
     * The key's slot left this shard in a split: the caller's partition map is older than the
     * split, and the key is now served by the shard the message names.
     */
    WRONG_SHARD
}
