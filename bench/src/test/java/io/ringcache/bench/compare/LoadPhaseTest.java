package io.ringcache.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadPhaseTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** Fails every {@code failEvery}-th batch write (0: never, 1: always); remembers the keys written. */
    private static final class Flaky extends StoreStub {
        final Set<ByteBuffer> written = ConcurrentHashMap.newKeySet();
        final AtomicInteger calls = new AtomicInteger();
        final int failEvery;
        final int maxBatch;

        Flaky(int failEvery, int maxBatch) {
            this.failEvery = failEvery;
            this.maxBatch = maxBatch;
        }

        @Override
        public CompletableFuture<?> updateAll(List<byte[]> keys, byte[] value) {
            assertEquals(true, keys.size() <= maxBatch, "batch over the store's cap");
            int n = calls.incrementAndGet();
            if (failEvery > 0 && n % failEvery == 0) {
                return CompletableFuture.failedFuture(new TimeoutException("busy"));
            }
            keys.forEach(k -> written.add(ByteBuffer.wrap(k)));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public int maxBatch() {
            return maxBatch;
        }
    }

    @Test
    void writesEveryRecordInBatchesWithinTheStoresCap() throws InterruptedException {
        Flaky store = new Flaky(0, 128);
        LoadPhase.Loaded loaded = LoadPhase.load(store, 1000, new byte[] {1}, QUIET);
        assertEquals(1000, store.written.size());
        assertEquals(8, store.calls.get()); // ceil(1000 / 128)
        assertEquals(0, loaded.retries());
    }

    @Test
    void failedBatchesAreSentAgain() throws InterruptedException {
        Flaky store = new Flaky(3, 1000);
        LoadPhase.Loaded loaded = LoadPhase.load(store, 5000, new byte[] {1}, QUIET);
        assertEquals(5000, store.written.size());
        assertEquals(store.calls.get() - 10, loaded.retries()); // 10 batches of 500, the rest retries
    }

    @Test
    void aBatchThatNeverSucceedsFailsTheLoad() {
        Flaky store = new Flaky(1, 1000);
        assertThrows(IllegalStateException.class, () -> LoadPhase.load(store, 100, new byte[] {1}, QUIET));
        assertEquals(LoadPhase.ATTEMPTS, store.calls.get());
    }
}
