package io.ringcache.shard.adapter.heap;

import io.ringcache.shard.core.KeyAccess;
import io.ringcache.shard.core.KeyBytes;
import io.ringcache.shard.core.ShardStore;
import io.ringcache.shard.core.StoredValue;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The on-heap reference adapter of {@link ShardStore}: a {@link ConcurrentHashMap} of immutable
 * {@link StoredValue}s. Simple enough to be obviously right, it is the model the off-heap adapter
 * is tested against, and a real store for tests and small deployments. Each entry keeps its
 * {@link KeyAccess} marks in a mutable holder beside the immutable value.
 */
public final class HeapShardStore implements ShardStore {

    /** Parts of {@link #sample}. */
    static final int SAMPLE_PARTS = 16;

    private final Map<KeyBytes, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    /** A stored value and its use marks; the marks change on reads, the value never. */
    private static final class Entry {
        final StoredValue value;
        volatile int stamp;
        volatile int frequency;

        Entry(StoredValue value, int stamp, int frequency) {
            this.value = value;
            this.stamp = stamp;
            this.frequency = frequency;
        }
    }

    @Override
    public StoredValue get(byte[] key) {
        return copyOf(entries.get(new KeyBytes(key)));
    }

    @Override
    public StoredValue read(byte[] key, long nowMillis) {
        Entry e = entries.get(new KeyBytes(key));
        if (e != null) {
            e.stamp = KeyAccess.stamp(nowMillis);
            e.frequency = KeyAccess.used(e.frequency, nowMillis, ThreadLocalRandom.current().nextDouble());
        }
        return copyOf(e);
    }

    private static StoredValue copyOf(Entry e) {
        return e == null ? null : new StoredValue(e.value.value().clone(), e.value.version(), e.value.expiresAt());
    }

    @Override
    public boolean readMeta(byte[] key, Meta into) {
        StoredValue v = value(key);
        if (v == null) {
            return false;
        }
        into.version = v.version();
        into.expiresAt = v.expiresAt();
        into.valueLength = v.value().length;
        return true;
    }

    @Override
    public boolean valueEquals(byte[] key, byte[] expected) {
        StoredValue v = value(key);
        return v != null && Arrays.equals(v.value(), expected);
    }

    private StoredValue value(byte[] key) {
        Entry e = entries.get(new KeyBytes(key));
        return e == null ? null : e.value;
    }

    @Override
    public long put(byte[] key, byte[] value, long version, long expiresAt) {
        return put(key, value, version, expiresAt, KeyAccess.UNUSED_MILLIS);
    }

    @Override
    public long put(byte[] key, byte[] value, long version, long expiresAt, long nowMillis) {
        byte[] k = key.clone();
        KeyBytes mapKey = new KeyBytes(k);
        Entry old = entries.get(mapKey);
        int frequency = old == null ? KeyAccess.newFrequency(nowMillis)
                : KeyAccess.used(old.frequency, nowMillis, ThreadLocalRandom.current().nextDouble()); // a write is a use, as in Redis
        Entry previous = entries.put(mapKey, new Entry(new StoredValue(value.clone(), version, expiresAt),
                KeyAccess.stamp(nowMillis), frequency));
        bytes.addAndGet(ShardStore.chargeOf(k.length, value.length)
                - (previous == null ? 0 : ShardStore.chargeOf(k.length, previous.value.value().length)));
        return previous == null ? 0 : previous.value.version();
    }

    @Override
    public boolean setExpiry(byte[] key, long expiresAt) {
        return entries.computeIfPresent(new KeyBytes(key), (k, e) -> new Entry(
                new StoredValue(e.value.value(), e.value.version(), expiresAt), e.stamp, e.frequency)) != null;
    }

    @Override
    public long remove(byte[] key) {
        Entry previous = entries.remove(new KeyBytes(key));
        if (previous == null) {
            return 0;
        }
        bytes.addAndGet(-ShardStore.chargeOf(key.length, previous.value.value().length));
        return previous.value.version();
    }

    @Override
    public boolean removeIfVersion(byte[] key, long version) {
        KeyBytes k = new KeyBytes(key);
        Entry current = entries.get(k);
        if (current == null || current.value.version() != version || !entries.remove(k, current)) {
            return false;
        }
        bytes.addAndGet(-ShardStore.chargeOf(key.length, current.value.value().length));
        return true;
    }

    @Override
    public int sampleParts() {
        return SAMPLE_PARTS;
    }

    @Override
    public void sample(int part, SampleVisitor visitor) {
        UnsafeBuffer keyView = new UnsafeBuffer(new byte[0]);
        for (Map.Entry<KeyBytes, Entry> e : entries.entrySet()) {
            if (partOf(e.getKey()) != part) {
                continue;
            }
            StoredValue v = e.getValue().value;
            keyView.wrap(e.getKey().bytes());
            visitor.visit(keyView, v.version(), v.expiresAt(), v.value().length, e.getValue().stamp, e.getValue().frequency);
        }
    }

    /** A part from the key's hash, its bits mixed so parts do not follow key order. */
    private static int partOf(KeyBytes key) {
        int h = key.hashCode() * 0x9E3779B9;
        return (h >>> 28) % SAMPLE_PARTS;
    }

    @Override
    public void forEach(EntryVisitor visitor) {
        UnsafeBuffer keyView = new UnsafeBuffer(new byte[0]);
        UnsafeBuffer valueView = new UnsafeBuffer(new byte[0]);
        for (Map.Entry<KeyBytes, Entry> e : entries.entrySet()) {
            StoredValue v = e.getValue().value;
            keyView.wrap(e.getKey().bytes());
            valueView.wrap(v.value());
            visitor.visit(keyView, valueView, v.version(), v.expiresAt());
        }
    }

    @Override
    public void clear() {
        entries.clear();
        bytes.set(0);
    }

    @Override
    public long size() {
        return entries.size();
    }

    @Override
    public long bytesUsed() {
        return bytes.get();
    }

    @Override
    public void close() {
        clear();
    }
}
