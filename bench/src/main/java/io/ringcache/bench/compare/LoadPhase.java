package io.ringcache.bench.compare;

import io.ringcache.bench.Keys;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes keys {@code 0..records-1} into a store before any run, so every read of the runs finds a
 * value: batches of up to {@link #BATCH} keys (fewer where the store caps a batch, as etcd does)
 * through {@link ComparedStore#updateAll}, {@link #WINDOW} batches in flight. Not measured: it
 * only has to be done before the runs start, so each store gets its biggest batches.
 */
final class LoadPhase {

    static final int BATCH = 500;
    static final int WINDOW = 8;

    private LoadPhase() {
    }

    /** Returns the seconds it took; throws when any batch failed, since the runs would then read holes. */
    static double load(ComparedStore store, int records, byte[] value, PrintStream progress) throws InterruptedException {
        Semaphore slots = new Semaphore(WINDOW);
        LongAdder failed = new LongAdder();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        int batch = Math.min(BATCH, store.maxBatch());
        long start = System.nanoTime();
        for (int from = 0; from < records; from += batch) {
            slots.acquire();
            int to = Math.min(records, from + batch);
            List<byte[]> keys = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                keys.add(Keys.key(i));
            }
            int n = keys.size();
            try {
                store.updateAll(keys, value).whenComplete((r, t) -> {
                    if (t != null) {
                        failed.add(n);
                        firstFailure.compareAndSet(null, t);
                    }
                    slots.release();
                });
            } catch (RuntimeException e) {
                failed.add(n);
                firstFailure.compareAndSet(null, e);
                slots.release();
            }
        }
        slots.acquire(WINDOW);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed.sum() > 0) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: %,d of %,d keys failed to load",
                    store.name(), failed.sum(), records), firstFailure.get());
        }
        progress.printf(Locale.ROOT, "load %s: %,d keys in %.1f s (%,.0f keys/s)%n", store.name(), records, seconds,
                records / seconds);
        return seconds;
    }
}
