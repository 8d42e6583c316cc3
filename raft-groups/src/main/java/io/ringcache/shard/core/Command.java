package io.ringcache.shard.core;

import java.util.List;

/**
 * A write to one shard, as a client proposes it. TTLs are relative milliseconds (0 = never
 * expire); the shard leader stamps each log entry with its time, and every replica computes the
 * same absolute expiry from that stamp (see {@link ShardEngine}).
 */
public sealed interface Command {

    /** The key of a single-key command; null for expiry and splits, which name no client key. */
    static byte[] singleKey(Command c) {
        if (c instanceof Command.Put x) {
            return x.key();
        } else if (c instanceof Command.Delete x) {
            return x.key();
        } else if (c instanceof Command.CompareAndSet x) {
            return x.key();
        } else if (c instanceof Command.Touch x) {
            return x.key();
        } else if (c instanceof Command.Set x) {
            return x.key();
        } else if (c instanceof Command.Increment x) {
            return x.key();
        } else if (c instanceof Command.Append x) {
            return x.key();
        } else if (c instanceof Command.GetAndDelete x) {
            return x.key();
        } else if (c instanceof Command.GetAndTouch x) {
            return x.key();
        } else if (c instanceof Command.ExpireIf x) {
            return x.key();
        }
        return null;
    }


    /** Stores {@code value} under {@code key}. */
    record Put(byte[] key, byte[] value, long ttlMillis) implements Command {
    }

    /** Removes {@code key}. */
    record Delete(byte[] key) implements Command {
    }

    /** Writes {@code newValue} only if the key's current state matches {@code expected}. */
    record CompareAndSet(byte[] key, Expectation expected, byte[] newValue, long ttlMillis) implements Command {
    }

    /** Resets a present key's TTL to {@code ttlMillis} from the entry's time (0 removes the expiry). */
    record Touch(byte[] key, long ttlMillis) implements Command {
    }

    /**
     * Redis' SET with its options: writes {@code value} when {@code condition} holds. Expiry:
     * {@code ttlMillis} from the entry's time, or, with {@code absoluteExpiry}, at that Unix time in
     * milliseconds (a time already past deletes the key); 0 and not {@code keepTtl}: never expires;
     * {@code keepTtl}: the key keeps the expiry it had. With {@code returnPrevious} the result
     * carries the value the key held before (SET ... GET, GETSET).
     */
    record Set(byte[] key, byte[] value, long ttlMillis, boolean absoluteExpiry, Condition condition,
               boolean keepTtl, boolean returnPrevious) implements Command {
    }

    /** When a {@link Set} writes. */
    enum Condition {
        /** Always (plain SET). */
        ALWAYS,
        /** Only when the key is absent (NX). */
        IF_ABSENT,
        /** Only when the key is present (XX). */
        IF_PRESENT
    }

    /**
     * Adds {@code delta} to the signed 64-bit decimal integer stored at {@code key} (absent counts
     * as 0) and stores the result as its decimal text, keeping the key's expiry. Refused, with the
     * key unchanged, when the value is not such an integer or the sum overflows.
     */
    record Increment(byte[] key, long delta) implements Command {
    }

    /** Appends {@code suffix} to the value at {@code key} (absent counts as empty), keeping its expiry. */
    record Append(byte[] key, byte[] suffix) implements Command {
    }

    /** Removes {@code key} and returns the value it held (GETDEL). */
    record GetAndDelete(byte[] key) implements Command {
    }

    /**
     * Sets a present key's expiry and returns its value and expiry as they were before (GETEX,
     * PERSIST): {@code ttlMillis} from the entry's time, or with {@code absoluteExpiry} at that Unix
     * time in milliseconds (already past: the key is deleted); 0 and not absolute removes the expiry.
     */
    record GetAndTouch(byte[] key, long ttlMillis, boolean absoluteExpiry) implements Command {
    }

    /**
     * Redis' EXPIRE with a condition: sets a live key's expiry to {@code ttlMillis} from the entry's
     * time (with {@code absoluteExpiry}: at that Unix time in milliseconds) only when
     * {@code condition} holds against its current expiry, a key without one counting as never
     * expiring. A time not after the entry's deletes the key. The result is
     * {@link CommandResult.Touched}: whether the expiry was set.
     */
    record ExpireIf(byte[] key, long ttlMillis, boolean absoluteExpiry, ExpiryCondition condition) implements Command {
    }

    /** When an {@link ExpireIf} sets the expiry. */
    enum ExpiryCondition {
        /** Always. */
        ALWAYS,
        /** Only when the key has no expiry (NX). */
        NO_EXPIRY,
        /** Only when the key has an expiry (XX). */
        HAS_EXPIRY,
        /** Only when the new expiry is later than the current one (GT). */
        LATER,
        /** Only when the new expiry is earlier than the current one (LT). */
        EARLIER,
        /** Only when the key has an expiry and the new one is earlier (XX and LT together). */
        EARLIER_THAN_AN_EXPIRY
    }

    /** Several puts to one shard, applied atomically in one log entry. */
    record BatchPut(List<Put> puts) implements Command {
    }

    /** Several puts to one shard that apply only if none of the keys is live (MSETNX), all or none. */
    record BatchPutIfAbsent(List<Put> puts) implements Command {
    }

    /** Several deletes in one shard, applied atomically in one log entry. */
    record BatchDelete(List<byte[]> keys) implements Command {
    }

    /**
     * Internal: reclaims keys whose time has passed. Proposed by the shard leader only; a key is
     * removed only if it still has {@code version} and has expired at the entry's time, so a key
     * rewritten after the leader planned this survives.
     */
    record Expire(List<VersionedKey> keys) implements Command {
    }

    /** A key as it was when an internal command planned it: the command acts only while it still has {@code version}. */
    record VersionedKey(byte[] key, long version) {
    }

    /**
     * Internal: evicts keys to make room under the shard's memory budget. Proposed by the shard
     * leader only, which chose the victims by its eviction policy ({@link EvictionPolicy}) from
     * what it knows of their use; a key is removed only if it still has {@code version}, so a key
     * rewritten after the leader chose it survives. Every replica removes the same keys.
     */
    record Evict(List<VersionedKey> keys) implements Command {
    }

    /**
     * Internal: the shard gives the keys of {@code slots} to a new shard {@code childShard}. Proposed
     * by the shard leader only, alone in its entry. At this entry every replica hands those keys
     * (with the retry table) to the child and from then on refuses the slots with
     * {@link ShardError#WRONG_SHARD}; a replica named in {@code childMembers} also starts the
     * child's replica from that hand-over (the adapter's business: {@code childMembers} is the
     * adapter's encoding of the child group's voters, carried so that every replica starts the
     * same group). Applying the same split again changes nothing.
     */
    record Split(int childShard, SlotSet slots, byte[] childMembers) implements Command {
        public Split {
            if (childShard < 0) {
                throw new IllegalArgumentException("negative shard id " + childShard);
            }
            if (slots.isEmpty()) {
                throw new IllegalArgumentException("a split moves at least one slot");
            }
        }
    }

    /**
     * Internal: the shard leader announces the {@link Split} of {@code slots} into
     * {@code childShard} that it will propose next. Changes no state. At this entry every replica
     * starts noting which keys of {@code slots} are written or removed, and starts copying those
     * slots' entries in the background while it keeps applying; at the split's entry it then only
     * adds the keys written since to that copy, instead of visiting the whole store while the
     * moving keys wait. An announcement no split follows costs the tracking of those slots' writes
     * until the next announcement, a split, or a bound on the noted keys; a replica that did not
     * see it (restarted past it, restored from a snapshot) copies at the split's entry as before.
     */
    record PrepareSplit(int childShard, SlotSet slots) implements Command {
        public PrepareSplit {
            if (childShard < 0) {
                throw new IllegalArgumentException("negative shard id " + childShard);
            }
            if (slots.isEmpty()) {
                throw new IllegalArgumentException("a split moves at least one slot");
            }
        }
    }

    /**
     * A client's write, identified by the client's id and a sequence number unique per client, so
     * a retry of it applies once: the shard answers a repeated (client, sequence) with the result
     * of the first application ({@link ClientSessions}).
     */
    record Tagged(long clientId, long sequence, Command command) implements Command {
        public Tagged {
            if (clientId == 0) {
                throw new IllegalArgumentException("client id 0 means untagged");
            }
            if (command instanceof Tagged || command instanceof Expire || command instanceof Evict
                    || command instanceof Split || command instanceof PrepareSplit) {
                throw new IllegalArgumentException("only client writes are tagged");
            }
        }
    }

    /** What a compare-and-set expects of the key. */
    sealed interface Expectation {
        /** The key is present with this version. */
        record Version(long version) implements Expectation {
        }

        /** The key is present with this value. */
        record Value(byte[] value) implements Expectation {
        }

        /** The key is absent (put-if-absent). */
        record Absent() implements Expectation {
        }
    }

    /** The number of keys this command writes or removes (each gets its own version). */
    default int writes() {
        if (this instanceof Tagged t) {
            return t.command().writes();
        }
        if (this instanceof BatchPut b) {
            return b.puts().size();
        }
        if (this instanceof BatchPutIfAbsent b) {
            return b.puts().size();
        }
        if (this instanceof BatchDelete b) {
            return b.keys().size();
        }
        if (this instanceof Expire e) {
            return e.keys().size();
        }
        if (this instanceof Evict) {
            return 0; // removes only: no key gets a new version
        }
        if (this instanceof Split || this instanceof PrepareSplit) {
            return 0;
        }
        return 1;
    }
}
