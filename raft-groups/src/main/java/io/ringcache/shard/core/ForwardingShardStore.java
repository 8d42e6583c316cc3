package io.ringcache.shard.core;

/**
 * A {@link ShardStore} that passes every call to another: the base of decorators that change one
 * or two calls ({@link TrackedStore}; tests that interleave a writer with a visit).
 */
public abstract class ForwardingShardStore implements ShardStore {

    protected final ShardStore store;

    protected ForwardingShardStore(ShardStore store) {
        this.store = store;
    }

    @Override
    public StoredValue get(byte[] key) {
        return store.get(key);
    }

    @Override
    public StoredValue read(byte[] key, long nowMillis) {
        return store.read(key, nowMillis);
    }

    @Override
    public boolean readMeta(byte[] key, Meta into) {
        return store.readMeta(key, into);
    }

    @Override
    public boolean valueEquals(byte[] key, byte[] expected) {
        return store.valueEquals(key, expected);
    }

    @Override
    public long put(byte[] key, byte[] value, long version, long expiresAt) {
        return store.put(key, value, version, expiresAt);
    }

    @Override
    public long put(byte[] key, byte[] value, long version, long expiresAt, long nowMillis) {
        return store.put(key, value, version, expiresAt, nowMillis);
    }

    @Override
    public boolean setExpiry(byte[] key, long expiresAt) {
        return store.setExpiry(key, expiresAt);
    }

    @Override
    public long remove(byte[] key) {
        return store.remove(key);
    }

    @Override
    public boolean removeIfVersion(byte[] key, long version) {
        return store.removeIfVersion(key, version);
    }

    @Override
    public int sampleParts() {
        return store.sampleParts();
    }

    @Override
    public void sample(int part, SampleVisitor visitor) {
        store.sample(part, visitor);
    }

    @Override
    public void forEach(EntryVisitor visitor) {
        store.forEach(visitor);
    }

    @Override
    public void clear() {
        store.clear();
    }

    @Override
    public long size() {
        return store.size();
    }

    @Override
    public long bytesUsed() {
        return store.bytesUsed();
    }

    @Override
    public void close() {
        store.close();
    }
}
