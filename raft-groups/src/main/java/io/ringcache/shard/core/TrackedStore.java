package io.ringcache.shard.core;

/**
 * The store of a {@link ShardEngine}, as the engine and its snapshots see it: every call goes to
 * the adapter's store, and while a split is announced every change is also noted in the
 * {@link SlotWrites} of the moving slots. Sitting under the engine rather than in the commands'
 * code, it sees every change whatever caused it (writes, expiry, eviction, a split, a restore).
 *
 * <p>{@link #tracking} is read and set only by the apply thread, the store's one writer, so it
 * needs no synchronisation; readers never touch it.
 */
final class TrackedStore extends ForwardingShardStore {

    private SlotWrites tracking;

    TrackedStore(ShardStore store) {
        super(store);
    }

    /** Starts noting changes in {@code writes} (replacing any earlier tracking), or stops with null. */
    void track(SlotWrites writes) {
        if (tracking != null && tracking != writes) {
            tracking.invalidate("replaced by a later announcement");
        }
        tracking = writes;
    }

    private void changed(byte[] key) {
        SlotWrites t = tracking;
        if (t != null) {
            t.changed(key);
        }
    }

    @Override
    public long put(byte[] key, byte[] value, long version, long expiresAt) {
        long previous = store.put(key, value, version, expiresAt);
        changed(key);
        return previous;
    }

    @Override
    public long put(byte[] key, byte[] value, long version, long expiresAt, long nowMillis) {
        long previous = store.put(key, value, version, expiresAt, nowMillis);
        changed(key);
        return previous;
    }

    @Override
    public boolean setExpiry(byte[] key, long expiresAt) {
        boolean found = store.setExpiry(key, expiresAt);
        if (found) {
            changed(key);
        }
        return found;
    }

    @Override
    public long remove(byte[] key) {
        long previous = store.remove(key);
        if (previous != 0) {
            changed(key);
        }
        return previous;
    }

    @Override
    public boolean removeIfVersion(byte[] key, long version) {
        boolean removed = store.removeIfVersion(key, version);
        if (removed) {
            changed(key);
        }
        return removed;
    }

    @Override
    public void clear() {
        SlotWrites t = tracking;
        if (t != null) {
            t.invalidate("the store was replaced by a snapshot");
        }
        store.clear();
    }
}
