package io.ringcache.shard.adapter.heap;

import io.ringcache.shard.core.ShardStore;
import io.ringcache.shard.core.StoredValue;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The on-heap reference adapter of {@link ShardStore}: a {@link ConcurrentHashMap} of immutable
 * {@link StoredValue}s. Simple enough to be obviously right, it is the model the off-heap adapter
 * is tested against, and a real store for tests and small deployments.
 */
public final class HeapShardStore implements ShardStore {

    private final Map<Key, StoredValue> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    @Override
    public StoredValue get(byte[] key) {
        StoredValue v = entries.get(new Key(key));
        return v == null ? null : new StoredValue(v.value().clone(), v.version(), v.expiresAt());
    }

    @Override
    public boolean readMeta(byte[] key, Meta into) {
        StoredValue v = entries.get(new Key(key));
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
        StoredValue v = entries.get(new Key(key));
        return v != null && Arrays.equals(v.value(), expected);
    }

    @Override
    public long put(byte[] key, byte[] value, long version, long expiresAt) {
        byte[] k = key.clone();
        StoredValue previous = entries.put(new Key(k), new StoredValue(value.clone(), version, expiresAt));
        bytes.addAndGet(ShardStore.chargeOf(k.length, value.length)
                - (previous == null ? 0 : ShardStore.chargeOf(k.length, previous.value().length)));
        return previous == null ? 0 : previous.version();
    }

    @Override
    public boolean setExpiry(byte[] key, long expiresAt) {
        return entries.computeIfPresent(new Key(key),
                (k, v) -> new StoredValue(v.value(), v.version(), expiresAt)) != null;
    }

    @Override
    public long remove(byte[] key) {
        StoredValue previous = entries.remove(new Key(key));
        if (previous == null) {
            return 0;
        }
        bytes.addAndGet(-ShardStore.chargeOf(key.length, previous.value().length));
        return previous.version();
    }

    @Override
    public boolean removeIfVersion(byte[] key, long version) {
        Key k = new Key(key);
        StoredValue current = entries.get(k);
        if (current == null || current.version() != version || !entries.remove(k, current)) {
            return false;
        }
        bytes.addAndGet(-ShardStore.chargeOf(key.length, current.value().length));
        return true;
    }

    @Override
    public void forEach(EntryVisitor visitor) {
        UnsafeBuffer keyView = new UnsafeBuffer(new byte[0]);
        UnsafeBuffer valueView = new UnsafeBuffer(new byte[0]);
        for (Map.Entry<Key, StoredValue> e : entries.entrySet()) {
            StoredValue v = e.getValue();
            keyView.wrap(e.getKey().bytes);
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

    /** Key bytes with value equality; the array is never mutated after construction. */
    private static final class Key {
        final byte[] bytes;
        final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && hash == other.hash && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
