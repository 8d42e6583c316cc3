package io.ringcache.shard.core;

import java.util.List;

/**
 * The ring slots a shard gave away in splits, and which split took a key: what the engine checks
 * before every command and read once the shard has split. Written by the apply thread only (a
 * split, a snapshot restore), read by reader threads too: the array is replaced whole.
 */
final class GivenAwaySlots {

    private static final SplitRecord[] NO_SPLITS = new SplitRecord[0];
    /** The splits, oldest first. */
    private volatile SplitRecord[] splits = NO_SPLITS;

    /** The split that took {@code key}'s slot, or null when the key is this shard's. */
    SplitRecord movedBy(byte[] key) {
        SplitRecord[] done = splits;
        if (done.length == 0) {
            return null;
        }
        long hash = io.ringcache.routing.KeyHash.of(key);
        for (SplitRecord r : done) {
            if (r.slots().containsHash(hash)) {
                return r;
            }
        }
        return null;
    }

    /** The split that took a key {@code command} names, or null when they are all this shard's. */
    SplitRecord movedRecord(Command command) {
        if (splits.length == 0) {
            return null; // the common case: a batch's key list is never built
        }
        Command c = command instanceof Command.Tagged t ? t.command() : command;
        if (c instanceof Command.BatchPut b) {
            return firstMoved(b.puts().stream().map(Command.Put::key).toList());
        }
        if (c instanceof Command.BatchPutIfAbsent b) {
            return firstMoved(b.puts().stream().map(Command.Put::key).toList());
        }
        if (c instanceof Command.BatchDelete b) {
            return firstMoved(b.keys());
        }
        byte[] key = Command.singleKey(c);
        return key == null ? null : movedBy(key);
    }

    private SplitRecord firstMoved(List<byte[]> keys) {
        for (byte[] k : keys) {
            SplitRecord r = movedBy(k);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** The splits, oldest first. */
    List<SplitRecord> splits() {
        return List.of(splits);
    }

    /** Adds a split that just applied. */
    void add(SplitRecord split) {
        SplitRecord[] next = java.util.Arrays.copyOf(splits, splits.length + 1);
        next[splits.length] = split;
        splits = next;
    }

    /** Replaces the splits after a snapshot restore. */
    void restore(List<SplitRecord> restored) {
        splits = restored.toArray(NO_SPLITS);
    }
}
