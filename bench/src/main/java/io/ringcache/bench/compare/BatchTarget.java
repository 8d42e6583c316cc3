package io.ringcache.bench.compare;

import io.ringcache.bench.KeyChooser;
import io.ringcache.bench.Keys;
import io.ringcache.bench.LoadLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Turns a store's multi-key operations into the load loop's single operations: each read or
 * update the loop issues becomes one {@link ComparedStore#readAll} or
 * {@link ComparedStore#updateAll} of {@code size} distinct keys, the loop's key first and the
 * rest drawn from the same chooser.
 *
 * <p>The keys are distinct because etcd rejects a Txn that puts one key twice; the rule applies to
 * every store so all of them see the same batches. The extra draws come from a per-thread
 * generator seeded from {@code seed} and the issuing thread, so two runs with one seed issue the
 * same batches per thread.
 */
final class BatchTarget implements LoadLoop.Target {

    private final ComparedStore store;
    private final KeyChooser keys;
    private final int size;
    private final ThreadLocal<SplittableRandom> random;

    BatchTarget(ComparedStore store, KeyChooser keys, int size, long seed) {
        if (size < 1 || size > keys.items()) {
            throw new IllegalArgumentException("batch size must be in [1, " + keys.items() + "], got " + size);
        }
        this.store = store;
        this.keys = keys;
        this.size = size;
        this.random = ThreadLocal.withInitial(
                () -> new SplittableRandom(seed ^ Keys.mix(Thread.currentThread().getId() + 0x5bd1e995L)));
    }

    @Override
    public CompletableFuture<?> read(byte[] key) {
        return store.readAll(batch(key));
    }

    @Override
    public CompletableFuture<?> update(byte[] key, byte[] value) {
        return store.updateAll(batch(key), value);
    }

    /** {@code first} plus {@code size - 1} other distinct keys. */
    List<byte[]> batch(byte[] first) {
        List<byte[]> out = new ArrayList<>(size);
        out.add(first);
        SplittableRandom r = random.get();
        while (out.size() < size) {
            byte[] candidate = Keys.key(keys.next(r));
            if (!contains(out, candidate)) {
                out.add(candidate);
            }
        }
        return out;
    }

    private static boolean contains(List<byte[]> keys, byte[] key) {
        for (byte[] k : keys) {
            if (Arrays.equals(k, key)) {
                return true;
            }
        }
        return false;
    }
}
