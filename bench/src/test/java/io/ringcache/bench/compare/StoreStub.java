package io.ringcache.bench.compare;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ComparedStore} for tests that fails any operation the test did not expect: subclasses
 * override the ones they serve.
 */
abstract class StoreStub implements ComparedStore {

    @Override
    public String name() {
        return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public CompletableFuture<?> read(byte[] key) {
        throw new AssertionError("unexpected single read");
    }

    @Override
    public CompletableFuture<?> update(byte[] key, byte[] value) {
        throw new AssertionError("unexpected single update");
    }

    @Override
    public CompletableFuture<?> readAll(List<byte[]> keys) {
        throw new AssertionError("unexpected batch read");
    }

    @Override
    public CompletableFuture<?> updateAll(List<byte[]> keys, byte[] value) {
        throw new AssertionError("unexpected batch update");
    }

    @Override
    public long misses() {
        return 0;
    }

    @Override
    public void close() {
    }
}
