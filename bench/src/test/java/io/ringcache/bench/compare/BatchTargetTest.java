package io.ringcache.bench.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringcache.bench.KeyChooser;
import io.ringcache.bench.Keys;
import io.ringcache.bench.Zipfian;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BatchTargetTest {

    /** Records the batches it is given. */
    private static final class Recording extends StoreStub {
        List<byte[]> lastRead;
        List<byte[]> lastUpdate;

        @Override
        public CompletableFuture<?> readAll(List<byte[]> keys) {
            lastRead = keys;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<?> updateAll(List<byte[]> keys, byte[] value) {
            lastUpdate = keys;
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void batchesHoldTheLoopsKeyFirstAndDistinctKeysUnderSkew() {
        Recording store = new Recording();
        // Zipfian over few keys: the hot key recurs often, so duplicates would be likely without the rule.
        BatchTarget t = new BatchTarget(store, Zipfian.ycsb(40), 16, 7);
        for (int i = 0; i < 200; i++) {
            byte[] first = Keys.key(i % 40);
            t.read(first);
            assertEquals(16, store.lastRead.size());
            assertArrayEquals(first, store.lastRead.get(0));
            Set<ByteBuffer> distinct = new HashSet<>();
            store.lastRead.forEach(k -> distinct.add(ByteBuffer.wrap(k)));
            assertEquals(16, distinct.size());
            t.update(first, new byte[] {1});
            assertEquals(16, store.lastUpdate.size());
        }
    }

    @Test
    void sizeMustFitTheKeySpace() {
        assertThrows(IllegalArgumentException.class, () -> new BatchTarget(new Recording(), KeyChooser.uniform(8), 16, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchTarget(new Recording(), KeyChooser.uniform(8), 0, 1));
    }
}
