package io.ringcache.client.core;

import io.ringcache.client.CasResult;
import io.ringcache.client.RingcacheException;
import io.ringcache.client.Versioned;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * The SDK's read-through: read the key; on a miss, load it and store it so that every client ends
 * with the same value.
 * <ul>
 *   <li><b>Single flight:</b> one load per key at a time in this client; callers that miss while a
 *       load runs wait for it, so a miss on a hot key costs the backing store one load per client,
 *       not one per request (the stampede).</li>
 *   <li><b>One value across clients:</b> the loaded value is written only if the key is still
 *       absent ({@code putIfAbsent}). A client that loses the race returns the winner's value, not
 *       its own, so every caller of every client sees the value the cache holds.</li>
 *   <li><b>TTL jitter:</b> the TTL is stretched by a random share up to {@code jitter}, so keys loaded
 *       together do not expire together.</li>
 *   <li>A loader that completes with {@code null} means "no such value": nothing is stored and the
 *       callers get an empty answer. A loader that fails fails its callers, and the next call
 *       loads again.</li>
 * </ul>
 * No threads or clocks of its own: the client supplies its operations, its clock and its random
 * numbers.
 */
public final class GetOrLoad {

    /** What this needs of the client. */
    public interface Operations {
        CompletableFuture<Optional<Versioned>> read(byte[] key);

        CompletableFuture<CasResult> putIfAbsent(byte[] key, byte[] value, Duration ttl);

        /** The client's clock, Unix milliseconds (the answer's approximate expiry). */
        long nowMillis();

        /** Uniform in [0, 1). */
        double random();
    }

    private final Operations ops;
    private final ConcurrentMap<ByteBuffer, CompletableFuture<Optional<Versioned>>> loading = new ConcurrentHashMap<>();

    public GetOrLoad(Operations ops) {
        this.ops = ops;
    }

    /**
     * @param loader loads the value of a missing key (asynchronously); null for "none"
     * @param ttl    zero: the loaded value never expires
     * @param jitter in [0, 1]: the TTL becomes {@code ttl x (1 + u x jitter)}, u uniform in [0, 1)
     */
    public CompletableFuture<Optional<Versioned>> getOrLoad(byte[] key, Function<byte[], CompletableFuture<byte[]>> loader,
                                                          Duration ttl, double jitter) {
        RingcacheException bad = check(key, loader, ttl, jitter);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        return ops.read(key).thenCompose(found -> found.isPresent()
                ? CompletableFuture.completedFuture(found)
                : loadMissing(key, loader, ttl, jitter));
    }

    /**
     * After a read missed: joins this client's load of the key in flight, or starts one, calling
     * {@code loader} on the calling thread (the blocking API's callers load on their own thread).
     */
    public CompletableFuture<Optional<Versioned>> loadMissing(byte[] key, Function<byte[], CompletableFuture<byte[]>> loader,
                                                           Duration ttl, double jitter) {
        RingcacheException bad = check(key, loader, ttl, jitter);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        ByteBuffer id = ByteBuffer.wrap(key.clone());
        CompletableFuture<Optional<Versioned>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<Versioned>> running = loading.putIfAbsent(id, mine);
        if (running != null) {
            return running;
        }
        Duration stretched = jittered(ttl, jitter);
        CompletableFuture<Optional<Versioned>> load;
        try {
            load = loader.apply(key.clone()).thenCompose(value -> store(key, value, stretched));
        } catch (RuntimeException e) {
            load = CompletableFuture.failedFuture(e);
        }
        load.whenComplete((v, e) -> {
            loading.remove(id, mine); // before completing: a caller woken by it that misses loads anew
            if (e != null) {
                mine.completeExceptionally(e);
            } else {
                mine.complete(v);
            }
        });
        return mine;
    }

    private static RingcacheException check(byte[] key, Object loader, Duration ttl, double jitter) {
        try {
            Arguments.checkKey(key);
            Arguments.ttlMillis(ttl);
            if (loader == null) {
                return Arguments.invalid("the loader must not be null");
            }
            if (!(jitter >= 0 && jitter <= 1)) {
                return Arguments.invalid("the TTL jitter must be in [0, 1], not " + jitter);
            }
            return null;
        } catch (RingcacheException e) {
            return e;
        }
    }

    private CompletableFuture<Optional<Versioned>> store(byte[] key, byte[] value, Duration ttl) {
        if (value == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        long expires = ttl.isZero() ? 0 : ops.nowMillis() + ttl.toMillis();
        return ops.putIfAbsent(key, value, ttl).thenCompose(r -> {
            if (r.succeeded()) {
                return CompletableFuture.completedFuture(Optional.of(new Versioned(value, r.version(), expires)));
            }
            // Another client stored first: its value is the cache's. Absent again (it expired or
            // was deleted meanwhile): the cache holds nothing, so read what is there now.
            return r.current().isPresent() ? CompletableFuture.completedFuture(r.current()) : ops.read(key);
        });
    }

    private Duration jittered(Duration ttl, double jitter) {
        if (ttl.isZero() || jitter == 0) {
            return ttl;
        }
        return Duration.ofMillis(ttl.toMillis() + (long) (ttl.toMillis() * jitter * ops.random()));
    }

    /** Keys with a load in flight (for tests and metrics). */
    public int loading() {
        return loading.size();
    }
}
