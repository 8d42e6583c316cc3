package io.ringcache.shard.core;

import org.agrona.DirectBuffer;

/**
 * The storage port of one shard replica: a map from key bytes to a value with its version and
 * absolute expiry time. The domain owns this interface; adapters implement it off-heap
 * ({@code adapter.chronicle}) and on-heap ({@code adapter.heap}, the reference model). Every
 * adapter passes {@code ShardStoreContract}.
 *
 * <h2>Ownership and threading</h2>
 * One writer: the shard's apply thread is the only caller of mutating methods. Readers
 * ({@link #get}, {@link #readMeta}) may run concurrently with it and see each entry either
 * before or after a write, never torn. {@link #forEach} may run concurrently with the writer
 * (a split's background copy, {@link SplitCopy}); it sees each key at most once, and every entry
 * that exists throughout the visit and is not changed during it exactly once, with its content.
 *
 * <h2>Semantics</h2>
 * The store keeps what it is told, expired or not: expiry is decided by the caller
 * ({@link ShardEngine}), because only the caller knows the log's time. Byte accounting is
 * logical ({@link #bytesUsed()} = sum over entries of key length + value length +
 * {@link #ENTRY_OVERHEAD}), so every replica computes the same figure from the same content and
 * budget decisions stay deterministic.
 */
public interface ShardStore extends AutoCloseable {

    /** Bytes charged per entry beyond key and value: version, expiry and the map's own cost. */
    int ENTRY_OVERHEAD = 48;

    /** Metadata of an entry, filled in by {@link #readMeta} into a caller-owned instance. */
    final class Meta {
        public long version;
        public long expiresAt;
        public int valueLength;
    }

    /**
     * Receives entries' metadata during {@link #sample}; the key is a view valid only during the
     * call. {@code stamp} and {@code frequency} are the entry's {@link KeyAccess} recency stamp
     * and frequency word.
     */
    @FunctionalInterface
    interface SampleVisitor {
        void visit(DirectBuffer key, long version, long expiresAt, int valueLength, int stamp, int frequency);
    }

    /** Receives entries during {@link #forEach}; the buffers are views valid only during the call. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(DirectBuffer key, DirectBuffer value, long version, long expiresAt);
    }

    /** The entry for {@code key} (its value copied), or null when absent. */
    StoredValue get(byte[] key);

    /**
     * A client's read: as {@link #get}, and the entry is marked used at {@code nowMillis} (its
     * recency stamp set, its frequency counter incremented as {@link KeyAccess#used} says). The
     * marks are this replica's alone: they are not replicated, not in snapshots or digests, and
     * concurrent reads may lose an increment.
     */
    StoredValue read(byte[] key, long nowMillis);

    /** Fills {@code into} with the entry's metadata without copying its value; false when absent. */
    boolean readMeta(byte[] key, Meta into);

    /** True when the key is present and its value equals {@code expected}. */
    boolean valueEquals(byte[] key, byte[] expected);

    /**
     * Stores the entry, replacing any previous one.
     *
     * @return the replaced entry's version, or 0 when the key was absent
     */
    long put(byte[] key, byte[] value, long version, long expiresAt);

    /**
     * Stores the entry as a write used at {@code nowMillis}: its recency stamp is that time; its
     * frequency word is kept from the replaced entry (decayed), or starts new ({@link KeyAccess}),
     * as Redis keeps a key's counter across overwrites. {@link #put(byte[], byte[], long, long)}
     * (snapshots, splits) stamps {@link KeyAccess#NEVER}, so restored keys rank as the least recently used.
     *
     * @return the replaced entry's version, or 0 when the key was absent
     */
    long put(byte[] key, byte[] value, long version, long expiresAt, long nowMillis);

    /** Sets the expiry of a present entry without touching its value or version; false when absent. */
    boolean setExpiry(byte[] key, long expiresAt);

    /**
     * Removes the entry.
     *
     * @return the removed entry's version, or 0 when the key was absent
     */
    long remove(byte[] key);

    /** Removes the entry only if its version is {@code version}; true when removed. */
    boolean removeIfVersion(byte[] key, long version);

    /**
     * The number of parts {@link #sample} divides the store into: every entry is in exactly one
     * part, and the parts are of about equal size and independent of key order (hash partitions),
     * so each is a random sample of the store.
     */
    int sampleParts();

    /**
     * Visits the metadata of every entry of part {@code part} (0 to {@link #sampleParts()} - 1).
     * May run concurrently with the writer; sees each entry of the part at most once.
     */
    void sample(int part, SampleVisitor visitor);

    /** Visits every entry once, in no particular order. */
    void forEach(EntryVisitor visitor);

    /** Removes every entry. */
    void clear();

    /** The number of entries. */
    long size();

    /** Logical bytes used: the sum over entries of key + value + {@link #ENTRY_OVERHEAD}. */
    long bytesUsed();

    /** Frees the store's memory; the store is unusable afterwards. */
    @Override
    void close();

    /** The bytes charged for one entry. */
    static long chargeOf(int keyLength, int valueLength) {
        return (long) keyLength + valueLength + ENTRY_OVERHEAD;
    }
}
