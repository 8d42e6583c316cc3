package io.ringcache.client.core;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded client-side cache of hot keys, kept coherent by the stores' invalidation streams
 * ({@code WatchInvalidations}: per shard, the keys every applied write changes, with the applied
 * log index). Pure: no clock (callers pass {@code now} in any monotonic unit, the same unit as the
 * staleness bound, e.g. {@code System.nanoTime()}), no threads, no I/O. Thread-safe: every method
 * holds this object's monitor briefly.
 *
 * <h2>What a hit guarantees</h2>
 * <ol>
 *   <li><b>Time bound.</b> {@link #get} returns an entry only while
 *       {@code now - readStartedAt < stalenessBound}, {@code readStartedAt} being the time the
 *       caller <em>sent</em> the read that produced it. So for a linearizable read, the value was
 *       the key's committed value at some instant less than {@code stalenessBound} ago, whatever
 *       happened to streams, leaders or placement meanwhile.</li>
 *   <li><b>Never older than what the stream said.</b> A returned value is current as of the latest
 *       invalidation index the cache received for its shard: no invalidation received names a
 *       change of its key after the read. With healthy streams staleness is therefore the stream's
 *       delay (apply on the watched replica plus one network hop), usually far below the bound.</li>
 * </ol>
 *
 * <h2>The put race, and the invariant that closes it</h2>
 * A read R of key k may be served at log index r while a write of k at index i > r applies and its
 * invalidation reaches this cache <em>before</em> R's reply. Inserting R's value then would keep a
 * stale value that no further invalidation removes. Therefore, per shard, the cache keeps
 * {@code seen} = the highest index of any invalidation (or stream opening) received on the current
 * stream, and {@link #put} takes {@code readIndex}, a lower bound of the index the read was served
 * at (the store reports its applied index taken before the read ran), and inserts only if
 * <pre>   shard healthy  &&  readIndex >= seen(shard)</pre>
 * Why that suffices: a stream opened at S0 delivers every change with index above S0, in order
 * ({@link #streamOpened}), and {@code seen >= S0}. If {@code readIndex >= seen}, every change of k
 * after the read has an index above {@code seen}, so it has not been received yet and will be,
 * evicting the entry then; if the stream breaks first, {@link #dropShard} evicts it. Both checks
 * and the insert happen under one lock with {@link #invalidate}, so no invalidation slips between.
 * The check is per shard, not per key: an unrelated write racing a read makes that read's value
 * uncacheable (a miss, never a stale hit).
 *
 * <h2>Other invariants</h2>
 * <ul>
 *   <li>Entries exist only for healthy shards: {@link #dropShard} (any stream error or end) removes
 *       all of a shard's entries and marks it unhealthy atomically; puts to it are refused until a
 *       new stream opens. A lost stream is never trusted.</li>
 *   <li>An invalidation at index x removes a key's entry unless that entry was read at an index
 *       {@code >= x} (it already reflects the change); an entry of the key cached from another
 *       shard (the ring moved) is removed regardless. A reset ({@code all}) does the same for the
 *       whole shard.</li>
 *   <li>At most {@code maxEntries} entries and {@code maxBytes} bytes (key + value +
 *       {@value #ENTRY_OVERHEAD_BYTES} per entry), least recently used evicted first.</li>
 * </ul>
 */
public final class NearCache {

    /** Bytes charged per entry besides its key and value (map node, entry, wrapper). */
    public static final int ENTRY_OVERHEAD_BYTES = 96;

    /**
     * A cached value. The arrays are the ones given to {@link #put}: neither side may modify them.
     *
     * @param readIndex the lower bound of the index the read was served at (as passed to put)
     * @param cachedAt  the time the read was sent (as passed to put)
     */
    public record Entry(byte[] key, byte[] value, long version, int shard, long cachedAt, long readIndex) {
        long charge() {
            return (long) key.length + value.length + ENTRY_OVERHEAD_BYTES;
        }
    }

    /** Per shard: is its stream healthy, and the highest index received on it. */
    private static final class ShardState {
        boolean healthy;
        long seen;
    }

    /** A key with content equality; the hash is computed once. */
    private static final class Key {
        final byte[] bytes;
        final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final int maxEntries;
    private final long maxBytes;
    private final long stalenessBound;
    /** Access order: the eldest is the least recently used. */
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<Integer, ShardState> shards = new HashMap<>();
    private long bytes;

    /**
     * @param maxEntries     the most entries held
     * @param maxBytes       the most bytes held (keys + values + per-entry overhead)
     * @param stalenessBound how long after its read was sent an entry may be returned, in the unit of {@code now}
     */
    public NearCache(int maxEntries, long maxBytes, long stalenessBound) {
        if (maxEntries < 0 || maxBytes < 0 || stalenessBound <= 0) {
            throw new IllegalArgumentException("bounds must not be negative and the staleness bound must be positive");
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.stalenessBound = stalenessBound;
    }

    /** The entry of {@code key} if it is younger than the staleness bound at {@code now}, else null. */
    public synchronized Entry get(byte[] key, long now) {
        Key k = new Key(key);
        Entry e = entries.get(k);
        if (e == null) {
            return null;
        }
        if (now - e.cachedAt() >= stalenessBound) {
            remove(k);
            return null;
        }
        return e;
    }

    /**
     * Caches the result of a read, if that is safe (see the class comment); the cache takes the
     * arrays as they are (do not modify them afterwards).
     *
     * @param readIndex     a lower bound of the log index the read was served at: the reply's
     *                      {@code ResponseHeader.applied_index} (taken before the read ran)
     * @param readStartedAt when the read was sent, in the unit of {@code now}
     * @return whether it was cached
     */
    public synchronized boolean put(int shard, byte[] key, byte[] value, long version, long readIndex, long readStartedAt,
                                    long now) {
        ShardState s = shards.get(shard);
        if (s == null || !s.healthy || readIndex < s.seen || now - readStartedAt >= stalenessBound) {
            return false;
        }
        Entry e = new Entry(key, value, version, shard, readStartedAt, readIndex);
        long charge = e.charge();
        if (charge > maxBytes || maxEntries == 0) {
            return false;
        }
        Key k = new Key(key);
        Entry old = entries.get(k);
        if (old != null && old.shard() == shard && old.readIndex() > readIndex) {
            return false; // the cached read is newer
        }
        if (old != null) {
            remove(k);
        }
        entries.put(k, e);
        bytes += charge;
        Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
        while (entries.size() > maxEntries || bytes > maxBytes) {
            Entry victim = eldest.next().getValue();
            eldest.remove();
            bytes -= victim.charge();
        }
        return true;
    }

    /**
     * A stream for {@code shard} opened: it will deliver every change with an index above
     * {@code fromIndex} (the applied index of its first message). Marks the shard healthy.
     */
    public synchronized void streamOpened(int shard, long fromIndex) {
        ShardState s = shards.computeIfAbsent(shard, id -> new ShardState());
        // After a drop, the new stream's completeness starts at its own opening index.
        s.seen = s.healthy ? Math.max(s.seen, fromIndex) : fromIndex;
        s.healthy = true;
    }

    /**
     * A hit this read may use: cached no longer ago than both the cache's bound and the read's
     * {@code maxStalenessNanos}; null otherwise.
     */
    public synchronized Entry fresh(byte[] key, long now, long maxStalenessNanos) {
        Entry hit = get(key, now);
        return hit != null && now - hit.cachedAt() <= maxStalenessNanos ? hit : null;
    }

    /**
     * This client's own write of {@code key} ended (read your writes): evicts it at once rather
     * than waiting for the stream. {@code version} is the write's version (its log index in the
     * high bits), or 0 when unknown (delete, touch): then one past the shard's last seen index,
     * which only makes reads that raced the write uncacheable.
     */
    public synchronized void wroteLocally(int shard, byte[] key, long version) {
        long index = version != 0 ? io.ringcache.routing.Versions.indexOf(version) : seenIndex(shard) + 1;
        invalidate(shard, List.of(key), index);
    }

    /** The shard's stream reported that {@code keys} changed by index {@code appliedIndex}. */
    public synchronized void invalidate(int shard, List<byte[]> keys, long appliedIndex) {
        for (byte[] key : keys) {
            Key k = new Key(key);
            Entry e = entries.get(k);
            if (e != null && (e.shard() != shard || e.readIndex() < appliedIndex)) {
                remove(k);
            }
        }
        advance(shard, appliedIndex);
    }

    /** The shard's watched replica replaced its state (snapshot) through {@code appliedIndex}. */
    public synchronized void resetShard(int shard, long appliedIndex) {
        entries.values().removeIf(e -> {
            if (e.shard() == shard && e.readIndex() < appliedIndex) {
                bytes -= e.charge();
                return true;
            }
            return false;
        });
        advance(shard, appliedIndex);
    }

    /** The shard's stream failed or ended: forget its entries and refuse puts until it reopens. */
    public synchronized void dropShard(int shard) {
        ShardState s = shards.get(shard);
        if (s != null) {
            s.healthy = false;
        }
        entries.values().removeIf(e -> {
            if (e.shard() == shard) {
                bytes -= e.charge();
                return true;
            }
            return false;
        });
    }

    /** Forgets everything, every shard unhealthy. */
    public synchronized void dropAll() {
        entries.clear();
        shards.clear();
        bytes = 0;
    }

    public synchronized boolean healthy(int shard) {
        ShardState s = shards.get(shard);
        return s != null && s.healthy;
    }

    /** The highest index received for {@code shard} on its current stream (-1 when it has none). */
    public synchronized long seenIndex(int shard) {
        ShardState s = shards.get(shard);
        return s == null || !s.healthy ? -1 : s.seen;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    private void advance(int shard, long appliedIndex) {
        ShardState s = shards.get(shard);
        if (s != null && s.healthy) {
            s.seen = Math.max(s.seen, appliedIndex);
        }
    }

    private void remove(Key k) {
        Entry e = entries.remove(k);
        if (e != null) {
            bytes -= e.charge();
        }
    }
}
