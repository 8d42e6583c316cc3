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

    /**
     * Up to {@code count} live keys greater than {@code after} (unsigned byte order; empty: from
     * the first key), in that order: one step of a scan that resumes where the last one ended.
     */
    record Scan(byte[] after, int count) implements Query {
        public Scan {
            if (count < 1) {
                throw new IllegalArgumentException("a scan step returns at least one key: " + count);
            }
        }
    }

    /** The shard's content digest, entry count and bytes used (for replica comparison and stats). */
    record Digest() implements Query {
    }
}
