package io.ringcache.client.core;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.routing.Versions;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The read policy the client applies through the near cache: freshness per read, and read-your-writes. */
class NearCacheReadPolicyTest {

    private static final byte[] K = "k".getBytes(StandardCharsets.UTF_8);

    @Test
    void aHitIsUsedOnlyWhenYoungEnoughForTheRead() {
        NearCache cache = new NearCache(10, 1 << 20, 1_000);
        cache.streamOpened(1, 5);
        assertTrue(cache.put(1, K, new byte[] {1}, Versions.of(5, 0), 5, 100, 100));
        assertNotNull(cache.fresh(K, 300, 500), "200 ns old, the read allows 500");
        assertNull(cache.fresh(K, 700, 500), "600 ns old, the read allows 500");
    }

    @Test
    void ownWritesEvictAtOnceWithOrWithoutAVersion() {
        NearCache cache = new NearCache(10, 1 << 20, 1_000);
        cache.streamOpened(1, 5);
        cache.put(1, K, new byte[] {1}, Versions.of(5, 0), 5, 100, 100);
        cache.wroteLocally(1, K, Versions.of(6, 0));
        assertNull(cache.fresh(K, 100, 1_000), "evicted by the write at index 6");
        assertTrue(!cache.put(1, K, new byte[] {1}, Versions.of(5, 0), 5, 100, 100), "a read from before it is refused");
        cache.put(1, K, new byte[] {2}, Versions.of(6, 0), 6, 100, 100);
        cache.wroteLocally(1, K, 0);
        assertNull(cache.fresh(K, 100, 1_000), "a write of unknown version evicts too");
    }
}
