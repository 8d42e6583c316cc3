package io.ringcache.shard.core;

import java.util.List;

/**
 * The content of one shard log entry: commands applied together, in order, at one time.
 *
 * @param timeMillis the leader's clock when it proposed the entry (0 in a proposal not yet
 *                   stamped); every replica computes TTLs and expiry from it
 * @param commands   at least one command
 */
public record CommandBatch(long timeMillis, List<Command> commands) {

    /** The most keys one entry may write: versions give each write a 16-bit ordinal. */
    public static final int MAX_WRITES = (1 << ShardEngine.ORDINAL_BITS) - 1;

    public CommandBatch {
        commands = List.copyOf(commands);
    }
}
