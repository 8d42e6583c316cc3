package io.ringcache.shard.adapter.chronicle;

import io.ringcache.shard.core.KeyAccess;
import io.ringcache.shard.core.ShardStore;
import io.ringcache.shard.core.StoreFullException;
import io.ringcache.shard.core.StoredValue;
import java.nio.BufferUnderflowException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.core.io.ClosedIllegalStateException;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The off-heap adapter of {@link ShardStore}: one in-memory (not persisted) Chronicle Map per
 * shard replica, keyed by the key bytes. Entries live outside the Java heap, so a shard of
 * millions of keys costs the collector nothing.
 *
 * <h2>Value layout</h2>
 * Each map value is the entry's header followed by the caller's value bytes, in native byte order:
 * <pre>
 * offset  0          8            16       20          24                    24 + n
 *         +----------+------------+--------+-----------+---------------------+
 *         | version  | expiresAt  | stamp  | frequency | value bytes (n)     |
 *         | int64    | int64      | int32  | int32     |                     |
 *         +----------+------------+--------+-----------+---------------------+
 * </pre>
 * The header is read and written in place ({@link #readMeta}, {@link #setExpiry}), so metadata
 * operations never copy the value. {@link #read} writes the use marks ({@code stamp},
 * {@code frequency}, see {@link KeyAccess}) in place under the segment's read lock: the writer
 * (which takes the write lock to move or free an entry) is excluded, and two readers racing on
 * the same marks at worst lose one increment, which the approximate eviction tolerates.
 *
 * <h2>Sizing</h2>
 * The map is sized from the logical budget ({@link ShardStore#bytesUsed()}), see {@link ChronicleSizing}:
 * 8-byte chunks, so an entry's chunk space (key + value + 24-byte header + size prefixes,
 * rounded up to 8) is always below its logical charge (key + value + 48); tiers of two maximal
 * entries (4 KiB key, 1 MiB value: about 2 MiB); enough segments (one base tier each) to hold the
 * whole budget; hash slots for 1.25 times the entries the budget holds at the average sizes.
 * Chronicle may add as many extra tiers as there are segments, so in normal use the logical
 * budget is reached well before the map is physically full. When it is full anyway (many tiny
 * entries, segment skew, or fragmentation by large values), writes throw
 * {@link StoreFullException} and leave the store unchanged.
 *
 * <h2>Full map safety</h2>
 * Chronicle Map 3.27ea2 corrupts a segment when a replace that must relocate the entry (the new
 * value needs more chunks) fails for lack of space: the old chunks are freed while the hash slot
 * still points at them. This adapter therefore never grows a value in place: a growing put copies
 * the old value aside, removes the entry and inserts the new one under the same segment write
 * lock, and re-inserts the old value (into the chunks it just freed) if the insert fails.
 *
 * <h2>Threads and allocation</h2>
 * One writer, concurrent readers and one concurrent {@link #forEach}, as the port requires.
 * Each calling thread keeps a small off-heap key buffer and reusable views ({@link ThreadLocal});
 * they are freed by {@link #close()}. {@link #get} allocates only the returned value;
 * {@link #readMeta}, {@link #valueEquals}, {@link #put}, {@link #setExpiry} and removals allocate
 * nothing on the heap. {@link #size()} and {@link #bytesUsed()} are counters of this adapter;
 * Chronicle's own {@code size()} scans every segment. Chronicle starts a daemon thread
 * ({@code background~resource~releaser}) unless {@code -Dbackground.releaser=false} is set.
 */
public final class ChronicleShardStore implements ShardStore {

    private static final int HEADER = HeaderValueData.HEADER;

    /** Average key and value sizes of {@link #forBudget}. */
    public static final int DEFAULT_AVERAGE_KEY_BYTES = 16;
    public static final int DEFAULT_AVERAGE_VALUE_BYTES = 100;

    private final ChronicleMap<byte[], byte[]> map;
    private final ChronicleSizing sizing;
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Every native scratch buffer handed to a thread, released on close. */
    private final Queue<BytesStore<?, Void>> nativeBuffers = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(() -> new Scratch(nativeBuffers));

    /**
     * A store for a logical budget of {@code memoryBudgetBytes} ({@link ShardStore#bytesUsed()}),
     * sized for entries of the given average key and value lengths.
     */
    public ChronicleShardStore(long memoryBudgetBytes, int averageKeyBytes, int averageValueBytes) {
        this.sizing = ChronicleSizing.of(memoryBudgetBytes, averageKeyBytes, averageValueBytes);
        ChronicleMapBuilder<byte[], byte[]> builder = ChronicleMapBuilder.of(byte[].class, byte[].class)
                .name("ringcache-shard")
                .entries(sizing.entries())
                .averageKeySize(Math.max(1, averageKeyBytes))
                .averageValueSize(HEADER + Math.max(0, averageValueBytes))
                .actualChunkSize(ChronicleSizing.CHUNK)
                .actualSegments(sizing.segments())
                .entriesPerSegment(sizing.entriesPerSegment())
                .actualChunksPerSegmentTier(sizing.chunksPerTier())
                .putReturnsNull(true)
                .removeReturnsNull(true)
                .skipCloseOnExitHook(true);
        this.map = builder.create();
    }

    /** A store for {@code memoryBudgetBytes} with 16-byte keys and 100-byte values on average. */
    public static ChronicleShardStore forBudget(long memoryBudgetBytes) {
        return new ChronicleShardStore(memoryBudgetBytes, DEFAULT_AVERAGE_KEY_BYTES, DEFAULT_AVERAGE_VALUE_BYTES);
    }

    // ---- reads ----

    @Override
    public StoredValue get(byte[] key) {
        return copyOut(key, false, 0);
    }

    @Override
    public StoredValue read(byte[] key, long nowMillis) {
        return copyOut(key, true, nowMillis);
    }

    /** The entry with its value copied, marking it used at {@code nowMillis} when {@code mark}. */
    private StoredValue copyOut(byte[] key, boolean mark, long nowMillis) {
        Scratch s = scratch();
        try (ExternalMapQueryContext<byte[], byte[], ?> c = context(s, key)) {
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Data<byte[]> v = e.value();
            RandomDataInput in = v.bytes();
            long o = v.offset();
            if (mark && in instanceof RandomDataOutput<?> out) {
                int frequency = in.readInt(o + HeaderValueData.FREQUENCY_OFFSET);
                out.writeInt(o + HeaderValueData.STAMP_OFFSET, KeyAccess.stamp(nowMillis));
                out.writeInt(o + HeaderValueData.FREQUENCY_OFFSET,
                        KeyAccess.used(frequency, nowMillis, ThreadLocalRandom.current().nextDouble()));
            }
            byte[] value = new byte[(int) (v.size() - HEADER)];
            readFully(in, o + HEADER, value);
            return new StoredValue(value, in.readLong(o + HeaderValueData.VERSION_OFFSET),
                    in.readLong(o + HeaderValueData.EXPIRES_AT_OFFSET));
        }
    }

    @Override
    public boolean readMeta(byte[] key, Meta into) {
        Scratch s = scratch();
        try (ExternalMapQueryContext<byte[], byte[], ?> c = context(s, key)) {
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            Data<byte[]> v = e.value();
            RandomDataInput in = v.bytes();
            long o = v.offset();
            into.version = in.readLong(o + HeaderValueData.VERSION_OFFSET);
            into.expiresAt = in.readLong(o + HeaderValueData.EXPIRES_AT_OFFSET);
            into.valueLength = (int) (v.size() - HEADER);
            return true;
        }
    }

    @Override
    public boolean valueEquals(byte[] key, byte[] expected) {
        Scratch s = scratch();
        try (ExternalMapQueryContext<byte[], byte[], ?> c = context(s, key)) {
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            Data<byte[]> v = e.value();
            int n = (int) (v.size() - HEADER);
            if (n != expected.length) {
                return false;
            }
            if (n == 0) {
                return true;
            }
            RandomDataInput in = v.bytes();
            long o = v.offset() + HEADER;
            long address = addressOf(in, o, n);
            if (address != 0) {
                s.stored.wrap(address, n);
                s.expected.wrap(expected);
                return s.stored.equals(s.expected);
            }
            for (int i = 0; i < n; i++) {
                if (in.readByte(o + i) != expected[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    // ---- writes (the one writer thread) ----

    @Override
    public long put(byte[] key, byte[] value, long version, long expiresAt) {
        return put(key, value, version, expiresAt, KeyAccess.UNUSED_MILLIS);
    }

    @Override
    public long put(byte[] key, byte[] value, long version, long expiresAt, long nowMillis) {
        Scratch s = scratch();
        int stamp = KeyAccess.stamp(nowMillis);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = context(s, key)) {
            // entry() alone takes the read lock, which cannot be upgraded: lock for writing first.
            c.writeLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                HeaderValueData data = s.valueData.set(version, expiresAt, stamp, KeyAccess.newFrequency(nowMillis), value);
                try {
                    c.absentEntry().doInsert(data);
                } catch (IllegalStateException | IllegalArgumentException noRoom) {
                    throw full(noRoom, key, value);   // a failed insert changes nothing
                } finally {
                    data.clear();
                }
                entries.incrementAndGet();
                bytes.addAndGet(ShardStore.chargeOf(key.length, value.length));
                return 0;
            }
            Data<byte[]> old = e.value();
            long oldSize = old.size();
            long oldVersion = old.bytes().readLong(old.offset() + HeaderValueData.VERSION_OFFSET);
            int oldFrequency = old.bytes().readInt(old.offset() + HeaderValueData.FREQUENCY_OFFSET);
            int oldLength = (int) (oldSize - HEADER);
            // A write is a use, as in Redis; the counter carries over from the replaced value.
            HeaderValueData data = s.valueData.set(version, expiresAt, stamp,
                    KeyAccess.used(oldFrequency, nowMillis, ThreadLocalRandom.current().nextDouble()), value);
            if (data.size() <= oldSize) {
                // Same size or smaller: Chronicle rewrites it within the entry's chunks, no allocation.
                e.doReplaceValue(data);
                data.clear();
                bytes.addAndGet((long) value.length - oldLength);
                return oldVersion;
            }
            // Growing: never let Chronicle relocate the entry (a failed relocation corrupts the
            // segment). Copy the old value aside, remove, insert; put the old value back on failure.
            BytesStore<?, Void> saved = s.saved(oldSize);
            old.writeTo(saved, 0);
            e.doRemove();
            try {
                c.absentEntry().doInsert(data);
            } catch (IllegalStateException | IllegalArgumentException noRoom) {
                restore(c, saved, oldSize, key, oldLength, noRoom);
                throw full(noRoom, key, value);
            } finally {
                data.clear();
            }
            bytes.addAndGet((long) value.length - oldLength);
            return oldVersion;
        }
    }

    /** Re-inserts the removed old value into the chunks just freed; the store is then unchanged. */
    private void restore(ExternalMapQueryContext<byte[], byte[], ?> c, BytesStore<?, Void> saved, long oldSize,
                         byte[] key, int oldLength, RuntimeException cause) {
        if (cause instanceof ClosedIllegalStateException) {
            throw cause;
        }
        try {
            c.absentEntry().doInsert(c.wrapValueBytesAsData(saved, 0, oldSize));
        } catch (RuntimeException lost) {
            // Not seen in tests: the freed chunks are reused. Keep the counters true to the content.
            entries.decrementAndGet();
            bytes.addAndGet(-ShardStore.chargeOf(key.length, oldLength));
            lost.addSuppressed(cause);
            throw new IllegalStateException("a value that did not fit could not be restored; the key ("
                    + key.length + " bytes) was removed", lost);
        }
    }

    private StoreFullException full(RuntimeException cause, byte[] key, byte[] value) {
        if (cause instanceof ClosedIllegalStateException) {
            throw cause;
        }
        return new StoreFullException("the off-heap map has no room for an entry of "
                + key.length + " + " + value.length + " bytes (" + bytesUsed() + " logical bytes used, "
                + offHeapMemoryUsedQuietly() + " bytes off-heap): " + cause.getMessage(), cause);
    }

    @Override
    public boolean setExpiry(byte[] key, long expiresAt) {
        Scratch s = scratch();
        try (ExternalMapQueryContext<byte[], byte[], ?> c = context(s, key)) {
            c.writeLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            Data<byte[]> v = e.value();
            RandomDataInput in = v.bytes();
            if (in instanceof RandomDataOutput<?> out) {
                // In place under the segment's write lock: readers see the old or the new expiry.
                out.writeLong(v.offset() + HeaderValueData.EXPIRES_AT_OFFSET, expiresAt);
                return true;
            }
            // Not writable (not seen with in-memory maps): rewrite the same-size value.
            byte[] value = new byte[(int) (v.size() - HEADER)];
            readFully(in, v.offset() + HEADER, value);
            HeaderValueData data = s.valueData.set(in.readLong(v.offset() + HeaderValueData.VERSION_OFFSET), expiresAt,
                    in.readInt(v.offset() + HeaderValueData.STAMP_OFFSET),
                    in.readInt(v.offset() + HeaderValueData.FREQUENCY_OFFSET), value);
            try {
                e.doReplaceValue(data);
            } finally {
                data.clear();
            }
            return true;
        }
    }

    @Override
    public long remove(byte[] key) {
        Scratch s = scratch();
        try (ExternalMapQueryContext<byte[], byte[], ?> c = context(s, key)) {
            c.writeLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return 0;
            }
            return removeEntry(e, key);
        }
    }

    @Override
    public boolean removeIfVersion(byte[] key, long version) {
        Scratch s = scratch();
        try (ExternalMapQueryContext<byte[], byte[], ?> c = context(s, key)) {
            c.writeLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null || e.value().bytes().readLong(e.value().offset() + HeaderValueData.VERSION_OFFSET) != version) {
                return false;
            }
            removeEntry(e, key);
            return true;
        }
    }

    private long removeEntry(MapEntry<byte[], byte[]> e, byte[] key) {
        Data<byte[]> v = e.value();
        long version = v.bytes().readLong(v.offset() + HeaderValueData.VERSION_OFFSET);
        int length = (int) (v.size() - HEADER);
        e.doRemove();
        entries.decrementAndGet();
        bytes.addAndGet(-ShardStore.chargeOf(key.length, length));
        return version;
    }

    // ---- iteration and the rest ----

    /**
     * Visits every entry with views over the off-heap key and value (the value without its
     * header), valid only during the call. Each segment is visited under its update lock:
     * readers proceed, the writer waits for that segment, so keep the visitor short. The
     * visitor must not write to this store (Chronicle forbids it inside an iteration).
     */
    @Override
    public void forEach(EntryVisitor visitor) {
        Scratch s = scratch();
        UnsafeBuffer keyView = new UnsafeBuffer(Scratch.EMPTY);
        UnsafeBuffer valueView = new UnsafeBuffer(Scratch.EMPTY);
        map.forEachEntry(e -> {
            Data<byte[]> k = e.key();
            Data<byte[]> v = e.value();
            RandomDataInput in = v.bytes();
            long o = v.offset();
            long version = in.readLong(o + HeaderValueData.VERSION_OFFSET);
            long expiresAt = in.readLong(o + HeaderValueData.EXPIRES_AT_OFFSET);
            view(keyView, k.bytes(), k.offset(), (int) k.size(), s, true);
            view(valueView, in, o + HEADER, (int) (v.size() - HEADER), s, false);
            visitor.visit(keyView, valueView, version, expiresAt);
        });
    }

    /** The map's segments: each holds the keys of a range of hash codes. */
    @Override
    public int sampleParts() {
        return map.segments();
    }

    /**
     * Visits one segment under its update lock (readers proceed, the writer waits for that
     * segment), reading only the header and a view of the key.
     */
    @Override
    public void sample(int part, SampleVisitor visitor) {
        Scratch s = scratch();
        UnsafeBuffer keyView = new UnsafeBuffer(Scratch.EMPTY);
        try (var segment = map.segmentContext(part)) {
            segment.forEachSegmentEntry(e -> {
                Data<byte[]> k = e.key();
                Data<byte[]> v = e.value();
                RandomDataInput in = v.bytes();
                long o = v.offset();
                view(keyView, k.bytes(), k.offset(), (int) k.size(), s, true);
                visitor.visit(keyView, in.readLong(o + HeaderValueData.VERSION_OFFSET),
                        in.readLong(o + HeaderValueData.EXPIRES_AT_OFFSET), (int) (v.size() - HEADER),
                        in.readInt(o + HeaderValueData.STAMP_OFFSET), in.readInt(o + HeaderValueData.FREQUENCY_OFFSET));
            });
        }
    }

    /** Points {@code view} at the bytes in place, or at a copy when they have no address. */
    private static void view(UnsafeBuffer view, RandomDataInput in, long offset, int length, Scratch s,
                             boolean isKey) {
        if (length == 0) {
            view.wrap(Scratch.EMPTY);
            return;
        }
        long address = addressOf(in, offset, length);
        if (address != 0) {
            view.wrap(address, length);
            return;
        }
        byte[] copy = isKey ? s.keyCopy(length) : s.valueCopy(length);
        readFully(in, offset, copy, length);
        view.wrap(copy, 0, length);
    }

    /** The address of {@code offset} in {@code in}, or 0 when it has none (heap memory). */
    private static long addressOf(RandomDataInput in, long offset, int length) {
        if (!in.isDirectMemory()) {
            return 0;
        }
        try {
            return in.addressForRead(offset);
        } catch (UnsupportedOperationException | BufferUnderflowException | IllegalStateException e) {
            return 0;
        }
    }

    @Override
    public void clear() {
        map.clear();
        entries.set(0);
        bytes.set(0);
    }

    @Override
    public long size() {
        return entries.get();
    }

    @Override
    public long bytesUsed() {
        return bytes.get();
    }

    /** Off-heap bytes Chronicle has allocated (reserved, not necessarily resident); grows by whole tiers. */
    public long offHeapMemoryUsed() {
        return map.offHeapMemoryUsed();
    }

    private long offHeapMemoryUsedQuietly() {
        try {
            return map.offHeapMemoryUsed();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The map's geometry, derived from the budget. */
    public ChronicleSizing sizing() {
        return sizing;
    }

    /**
     * Frees the off-heap memory of the map and of the threads' scratch buffers. The shard must be
     * quiesced first: Chronicle waits at most 2 s for other threads' write locks and then frees
     * anyway. Later calls throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            map.close();
        } finally {
            BytesStore<?, Void> b;
            while ((b = nativeBuffers.poll()) != null) {
                b.releaseLast();
            }
        }
    }

    @Override
    public String toString() {
        return "ChronicleShardStore{" + sizing + ", entries=" + size() + ", bytesUsed=" + bytesUsed()
                + (closed.get() ? ", closed" : ", offHeap=" + offHeapMemoryUsedQuietly()) + "}";
    }

    // ---- helpers ----

    private Scratch scratch() {
        if (closed.get()) {
            throw new IllegalStateException("the store is closed");
        }
        return scratch.get();
    }

    private ExternalMapQueryContext<byte[], byte[], ?> context(Scratch s, byte[] key) {
        BytesStore<?, Void> k = s.key(key.length);
        k.write(0, key, 0, key.length);
        return map.queryContext(k, 0, key.length);
    }

    private static void readFully(RandomDataInput in, long offset, byte[] into) {
        readFully(in, offset, into, into.length);
    }

    private static void readFully(RandomDataInput in, long offset, byte[] into, int length) {
        int done = 0;
        while (done < length) {
            long n = in.read(offset + done, into, done, length - done);
            if (n <= 0) {
                throw new IllegalStateException("short read of an off-heap entry: " + done + " of " + length);
            }
            done += (int) n;
        }
    }
}
