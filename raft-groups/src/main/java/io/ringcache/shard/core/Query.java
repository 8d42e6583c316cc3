package io.ringcache.shard.core;

import java.util.List;

/** A read of one shard's state, served without a log entry. */
public sealed interface Query {

    /** The live value of {@code key}. */
    record Get(byte[] key) implements Query {
    }

    /** The live values of several keys, in order. */
    record BatchGet(List<byte[]> keys) implements Query {
    }

    /** The shard's content digest, entry count and bytes used (for replica comparison and stats). */
    record Digest() implements Query {
    }
}
