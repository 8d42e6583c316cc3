package io.ringcache.shard.core;

import java.util.List;

/** The outcome of applying one {@link Command}, returned to the proposer. */
public sealed interface CommandResult {

    /** A put (or a successful write inside a batch) wrote {@code version}, replacing {@code previousVersion} (0: absent). */
    record Written(long version, long previousVersion) implements CommandResult {
    }

    /** A delete removed the key ({@code deleted}) whose version was {@code previousVersion}. */
    record Deleted(boolean deleted, long previousVersion) implements CommandResult {
    }

    /**
     * A compare-and-set: on success {@code version} is the version written; on failure
     * {@code current} is the key's live value, or null when it is absent.
     */
    record CasOutcome(boolean succeeded, long version, StoredValue current) implements CommandResult {
    }

    /**
     * A {@link Command.Set}: {@code written} tells whether its condition held ({@code version} is
     * the version written, else 0); {@code previous} is the value before it when asked for (null
     * when absent or not asked).
     */
    record SetOutcome(boolean written, long version, StoredValue previous) implements CommandResult {
    }

    /** An increment stored {@code value}. */
    record Counter(long value) implements CommandResult {
    }

    /** An append left the value {@code length} bytes long. */
    record Length(long length) implements CommandResult {
    }

    /** The value a {@link Command.GetAndDelete} removed or a {@link Command.GetAndTouch} found; null when absent. */
    record ValueOf(StoredValue value) implements CommandResult {
    }

    /** A touch found the key ({@code found}) and reset its expiry. */
    record Touched(boolean found) implements CommandResult {
    }

    /** One result per element of a batch, in order. */
    record Batch(List<CommandResult> results) implements CommandResult {
    }

    /** An expire removed {@code removed} keys. */
    record Expired(int removed) implements CommandResult {
    }

    /** An eviction removed {@code keys} keys holding {@code bytes} logical bytes. */
    record Evicted(int keys, long bytes) implements CommandResult {
    }

    /**
     * A split handed {@code movedKeys} keys to {@code childShard} at log index {@code index}; when
     * {@code alreadyDone}, the same split had applied before (at {@code index}) and this changed nothing.
     */
    record SplitDone(int childShard, long index, long movedKeys, boolean alreadyDone) implements CommandResult {
    }

    /**
     * A {@link Command.PrepareSplit} was noted at log index {@code index}: the replicas track the
     * writes to its slots from there until the split.
     */
    record SplitPrepared(int childShard, long index) implements CommandResult {
    }

    /** The command was refused; nothing it named was changed. */
    record Rejected(ShardError error, String message) implements CommandResult {
    }
}
