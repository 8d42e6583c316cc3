package io.ringcache.bench.compare;

import io.ringcache.bench.Keys;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Writes keys {@code 0..records-1} into a store before any run, so every read of the runs finds a
 * value: batches of up to {@link #BATCH} keys (fewer where the store caps a batch, as etcd does)
 * through {@link ComparedStore#updateAll}, {@link #WINDOW} batches in flight. Not measured: it
 * only has to be done before the runs start, so each store gets its biggest batches, and a batch
 * that fails (a timeout on a busy machine) is sent again, up to {@link #ATTEMPTS} times in all;
 * writing the same value twice leaves the same state.
 */
final class LoadPhase {

    static final int BATCH = 500;
    static final int WINDOW = 8;
    static final int ATTEMPTS = 5;

    /** How long the load took and how many batch sends were retries. */
    record Loaded(double seconds, long retries) {
    }

    private LoadPhase() {
    }

    /** Throws when a batch still failed after every attempt, since the runs would then read holes. */
    static Loaded load(ComparedStore store, int records, byte[] value, PrintStream progress) throws InterruptedException {
        Semaphore slots = new Semaphore(WINDOW);
        LongAdder failed = new LongAdder();
        LongAdder retries = new LongAdder();
        AtomicReference<Throwable> lastFailure = new AtomicReference<>();
        int batch = Math.min(BATCH, store.maxBatch());
        long start = System.nanoTime();
        for (int from = 0; from < records; from += batch) {
            slots.acquire();
            int to = Math.min(records, from + batch);
            List<byte[]> keys = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                keys.add(Keys.key(i));
            }
            send(store, keys, value, 1, t -> {
                if (t != null) {
                    failed.add(keys.size());
                    lastFailure.set(t);
                }
                slots.release();
            }, retries);
        }
        slots.acquire(WINDOW);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed.sum() > 0) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: %,d of %,d keys failed to load after %d attempts",
                    store.name(), failed.sum(), records, ATTEMPTS), lastFailure.get());
        }
        progress.printf(Locale.ROOT, "load %s: %,d keys in %.1f s (%,.0f keys/s), %d batch(es) retried%n", store.name(),
                records, seconds, records / seconds, retries.sum());
        return new Loaded(seconds, retries.sum());
    }

    /** Sends one batch; {@code done} gets null once it is written, or the last failure after the last attempt. */
    private static void send(ComparedStore store, List<byte[]> keys, byte[] value, int attempt,
                             Consumer<Throwable> done, LongAdder retries) {
        CompletableFuture<?> f;
        try {
            f = store.updateAll(keys, value);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((r, t) -> {
            if (t == null) {
                done.accept(null);
            } else if (attempt < ATTEMPTS) {
                retries.increment();
                send(store, keys, value, attempt + 1, done, retries);
            } else {
                done.accept(t);
            }
        });
    }
}
