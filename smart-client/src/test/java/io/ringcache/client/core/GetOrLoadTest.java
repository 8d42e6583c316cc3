package io.ringcache.client.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.client.CasResult;
import io.ringcache.client.RingcacheException;
import io.ringcache.client.Versioned;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link GetOrLoad} over a real in-memory cache with putIfAbsent semantics, shared by two "clients". */
class GetOrLoadTest {

    /** One cache for every client: keys to values with versions; TTLs recorded, not enforced. */
    static final class MemoryCache {
        final Map<ByteBuffer, Versioned> entries = new ConcurrentHashMap<>();
        final Map<ByteBuffer, Duration> ttls = new ConcurrentHashMap<>();
        final AtomicInteger versions = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();

        GetOrLoad.Operations client(double random) {
            return new GetOrLoad.Operations() {
                @Override
                public CompletableFuture<Optional<Versioned>> read(byte[] key) {
                    return CompletableFuture.completedFuture(Optional.ofNullable(entries.get(ByteBuffer.wrap(key))));
                }

                @Override
                public CompletableFuture<CasResult> putIfAbsent(byte[] key, byte[] value, Duration ttl) {
                    writes.incrementAndGet();
                    Versioned mine = new Versioned(value, versions.incrementAndGet(), 0);
                    Versioned before = entries.putIfAbsent(ByteBuffer.wrap(key.clone()), mine);
                    if (before == null) {
                        ttls.put(ByteBuffer.wrap(key.clone()), ttl);
                        return CompletableFuture.completedFuture(new CasResult(true, mine.version(), Optional.empty()));
                    }
                    return CompletableFuture.completedFuture(new CasResult(false, 0, Optional.of(before)));
                }

                @Override
                public long nowMillis() {
                    return 1_000;
                }

                @Override
                public double random() {
                    return random;
                }
            };
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aHitNeverLoads() throws Exception {
        MemoryCache cache = new MemoryCache();
        GetOrLoad client = new GetOrLoad(cache.client(0));
        new GetOrLoad(cache.client(0)).getOrLoad(b("k"), k -> CompletableFuture.completedFuture(b("v")), Duration.ZERO, 0).get();
        AtomicInteger loads = new AtomicInteger();
        Versioned v = client.getOrLoad(b("k"), k -> {
            loads.incrementAndGet();
            return CompletableFuture.completedFuture(b("other"));
        }, Duration.ZERO, 0).get().orElseThrow();
        assertArrayEquals(b("v"), v.value());
        assertEquals(0, loads.get());
    }

    @Test
    void concurrentMissesLoadOncePerClient() throws Exception {
        MemoryCache cache = new MemoryCache();
        GetOrLoad client = new GetOrLoad(cache.client(0));
        CompletableFuture<byte[]> slowLoad = new CompletableFuture<>();
        AtomicInteger loads = new AtomicInteger();
        List<CompletableFuture<Optional<Versioned>>> callers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            callers.add(client.getOrLoad(b("hot"), k -> {
                loads.incrementAndGet();
                return slowLoad;
            }, Duration.ofSeconds(60), 0));
        }
        assertEquals(1, loads.get(), "one load for ten callers");
        assertEquals(1, client.loading());
        slowLoad.complete(b("loaded"));
        for (CompletableFuture<Optional<Versioned>> c : callers) {
            assertArrayEquals(b("loaded"), c.get().orElseThrow().value());
        }
        assertEquals(1, cache.writes.get());
        assertEquals(0, client.loading());
        assertEquals(Duration.ofSeconds(60), cache.ttls.get(ByteBuffer.wrap(b("hot"))));
    }

    @Test
    void theClientThatLosesTheRaceAnswersTheWinnersValue() throws Exception {
        MemoryCache cache = new MemoryCache();
        GetOrLoad a = new GetOrLoad(cache.client(0));
        GetOrLoad b = new GetOrLoad(cache.client(0));
        CompletableFuture<byte[]> loadA = new CompletableFuture<>();
        CompletableFuture<Optional<Versioned>> fromA = a.getOrLoad(b("k"), k -> loadA, Duration.ZERO, 0);
        Versioned fromB = b.getOrLoad(b("k"), k -> CompletableFuture.completedFuture(b("from b")), Duration.ZERO, 0)
                .get().orElseThrow();
        loadA.complete(b("from a"));
        assertArrayEquals(b("from b"), fromB.value());
        assertEquals(fromB, fromA.get().orElseThrow(), "both clients answer the value the cache holds");
    }

    @Test
    void aNullValueStoresNothingAndAFailureIsNotRemembered() throws Exception {
        MemoryCache cache = new MemoryCache();
        GetOrLoad client = new GetOrLoad(cache.client(0));
        assertTrue(client.getOrLoad(b("none"), k -> CompletableFuture.completedFuture(null), Duration.ZERO, 0).get().isEmpty());
        assertEquals(0, cache.writes.get());
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> client.getOrLoad(b("k"), k -> CompletableFuture.failedFuture(new IllegalStateException("db down")),
                        Duration.ZERO, 0).get());
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals(0, client.loading());
        assertTrue(client.getOrLoad(b("k"), k -> CompletableFuture.completedFuture(b("v")), Duration.ZERO, 0).get().isPresent());
        ExecutionException thrown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> client.getOrLoad(b("k2"), k -> {
                    throw new IllegalArgumentException("loader bug");
                }, Duration.ZERO, 0).get());
        assertInstanceOf(IllegalArgumentException.class, thrown.getCause());
        assertEquals(0, client.loading());
    }

    @Test
    void jitterStretchesTheTtlWithinItsShare() throws Exception {
        MemoryCache cache = new MemoryCache();
        new GetOrLoad(cache.client(0.5)).getOrLoad(b("k"), k -> CompletableFuture.completedFuture(b("v")),
                Duration.ofSeconds(100), 0.2).get();
        assertEquals(Duration.ofSeconds(110), cache.ttls.get(ByteBuffer.wrap(b("k"))));
    }

    @Test
    void badArgumentsFailTheFutureWithInvalidArgument() {
        GetOrLoad client = new GetOrLoad(new MemoryCache().client(0));
        for (CompletableFuture<Optional<Versioned>> f : List.of(
                client.getOrLoad(b("k"), null, Duration.ZERO, 0),
                client.getOrLoad(b("k"), k -> CompletableFuture.completedFuture(b("v")), Duration.ofSeconds(-1), 0),
                client.getOrLoad(b("k"), k -> CompletableFuture.completedFuture(b("v")), Duration.ZERO, 1.5),
                client.getOrLoad(new byte[0], k -> CompletableFuture.completedFuture(b("v")), Duration.ZERO, 0),
                client.loadMissing(b("k"), null, Duration.ZERO, 0))) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
            RingcacheException r = assertInstanceOf(RingcacheException.Rejected.class, e.getCause());
            assertFalse(r.getMessage().isEmpty());
        }
    }
}
