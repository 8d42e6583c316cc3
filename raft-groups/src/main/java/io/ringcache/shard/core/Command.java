package io.ringcache.shard.core;

import java.util.List;

/**
 * A write to one shard, as a client proposes it. TTLs are relative milliseconds (0 = never
 * expire); the shard leader stamps each log entry with its time, and every replica computes the
 * same absolute expiry from that stamp (see {@link ShardEngine}).
 */
public sealed interface Command {

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

    /** Several puts to one shard, applied atomically in one log entry. */
    record BatchPut(List<Put> puts) implements Command {
    }

    /** Several deletes in one shard, applied atomically in one log entry. */
    record BatchDelete(List<byte[]> keys) implements Command {
    }

    /**
     * Internal: reclaims keys whose time has passed. Proposed by the shard leader only; a key is
     * removed only if it still has {@code version} and has expired at the entry's time, so a key
     * rewritten after the leader planned this survives.
     */
    record Expire(List<ExpiredKey> keys) implements Command {
    }

    record ExpiredKey(byte[] key, long version) {
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
            if (command instanceof Tagged || command instanceof Expire) {
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
        if (this instanceof BatchDelete b) {
            return b.keys().size();
        }
        if (this instanceof Expire e) {
            return e.keys().size();
        }
        return 1;
    }
}
