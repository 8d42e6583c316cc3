package io.ringcache.shard.core;

import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.agrona.ExpandableArrayBuffer;

/**
 * Keys with an expiry, bucketed by expiry time, so the leader finds what has expired without
 * scanning the store. Entries are never removed when a key is rewritten or deleted; the
 * planner checks each drained entry against the store (same version, same expiry) instead, so
 * stale entries cost only their bytes until their bucket comes due.
 *
 * <p>Buckets cover {@link #GRANULARITY_MILLIS} each and are drained whole once their last
 * millisecond has passed. Each bucket packs its entries into one growable byte buffer, not one
 * object per key, to keep the garbage collector out of TTL-heavy workloads:
 * <pre>
 *   entry: keyLength:int32 | key bytes | version:int64 | expiresAt:int64   (little-endian)
 * </pre>
 * Thread-safe: the apply thread adds while the leader's expiry task drains.
 */
final class ExpiryIndex {

    static final long GRANULARITY_MILLIS = 100;

    @FunctionalInterface
    interface Visitor {
        void visit(byte[] key, long version, long expiresAt);
    }

    private final TreeMap<Long, Bucket> buckets = new TreeMap<>();
    private long size;

    synchronized void add(byte[] key, long version, long expiresAt) {
        buckets.computeIfAbsent(Math.floorDiv(expiresAt, GRANULARITY_MILLIS), b -> new Bucket())
                .append(key, version, expiresAt);
        size++;
    }

    /**
     * Visits and removes entries of buckets entirely at or before {@code now}, oldest first,
     * at most {@code maxEntries} of them; a partly drained bucket resumes on the next call.
     */
    synchronized void drainDue(long now, int maxEntries, Visitor visitor) {
        int visited = 0;
        Iterator<Map.Entry<Long, Bucket>> it = buckets.entrySet().iterator();
        while (it.hasNext() && visited < maxEntries) {
            Map.Entry<Long, Bucket> e = it.next();
            long lastMillis = (e.getKey() + 1) * GRANULARITY_MILLIS - 1;
            if (lastMillis > now) {
                break;
            }
            Bucket bucket = e.getValue();
            while (bucket.hasNext() && visited < maxEntries) {
                bucket.next(visitor);
                visited++;
                size--;
            }
            if (!bucket.hasNext()) {
                it.remove();
            }
        }
    }

    synchronized void clear() {
        buckets.clear();
        size = 0;
    }

    /** Replaces this index's entries with {@code other}'s, which is left empty (its entries move, uncopied). */
    synchronized void takeFrom(ExpiryIndex other) {
        synchronized (other) {
            buckets.clear();
            buckets.putAll(other.buckets);
            size = other.size;
            other.buckets.clear();
            other.size = 0;
        }
    }

    synchronized long size() {
        return size;
    }

    private static final class Bucket {
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        private int limit;
        private int cursor;

        void append(byte[] key, long version, long expiresAt) {
            buffer.putInt(limit, key.length, ByteOrder.LITTLE_ENDIAN);
            buffer.putBytes(limit + 4, key);
            buffer.putLong(limit + 4 + key.length, version, ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(limit + 12 + key.length, expiresAt, ByteOrder.LITTLE_ENDIAN);
            limit += 20 + key.length;
        }

        boolean hasNext() {
            return cursor < limit;
        }

        void next(Visitor visitor) {
            int length = buffer.getInt(cursor, ByteOrder.LITTLE_ENDIAN);
            byte[] key = new byte[length];
            buffer.getBytes(cursor + 4, key);
            long version = buffer.getLong(cursor + 4 + length, ByteOrder.LITTLE_ENDIAN);
            long expiresAt = buffer.getLong(cursor + 12 + length, ByteOrder.LITTLE_ENDIAN);
            cursor += 20 + length;
            visitor.visit(key, version, expiresAt);
        }
    }
}
