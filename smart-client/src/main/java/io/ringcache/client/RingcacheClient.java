package io.ringcache.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * The ringcache Java SDK: thread-safe, closeable. Requests go straight to the shard leader found
 * through the placement driver's partition map; stale routes heal themselves (NotLeader,
 * StaleEpoch, unreachable stores) within each call's deadline, and retried writes apply once.
 * Every operation has an async form returning a {@link CompletableFuture} (failed with a
 * {@link RingcacheException}) and a blocking form (throwing one).
 *
 * <pre>{@code
 * try (RingcacheClient client = RingcacheClient.builder().placementDriver("127.0.0.1:9090").build()) {
 *     client.put("greeting", "hello", Duration.ofMinutes(5));
 *     client.get("greeting").ifPresent(v -> System.out.println(v.asString() + " @" + v.version()));
 * }
 * }</pre>
 */
public interface RingcacheClient extends AutoCloseable {

    static RingcacheClientBuilder builder() {
        return new RingcacheClientBuilder();
    }

    // ---- async, bytes ----

    CompletableFuture<Optional<Versioned>> getAsync(byte[] key, ReadOptions options);

    /** Writes {@code value}; {@code ttl} zero means no expiry. Completes with the version written. */
    CompletableFuture<Long> putAsync(byte[] key, byte[] value, Duration ttl);

    /** Completes with whether the key existed. */
    CompletableFuture<Boolean> deleteAsync(byte[] key);

    /** Writes only if the key's version is still {@code expectedVersion}. */
    CompletableFuture<CasResult> compareAndSetAsync(byte[] key, long expectedVersion, byte[] newValue, Duration ttl);

    /** Writes only if the key's value is still {@code expectedValue}. */
    CompletableFuture<CasResult> compareAndSetValueAsync(byte[] key, byte[] expectedValue, byte[] newValue, Duration ttl);

    /** Writes only if the key is absent. */
    CompletableFuture<CasResult> putIfAbsentAsync(byte[] key, byte[] value, Duration ttl);

    /** Sets a new time to live from now (zero: never expires). Completes with whether the key existed. */
    CompletableFuture<Boolean> touchAsync(byte[] key, Duration ttl);

    /** Reads any keys (split by shard and sent in parallel); one answer per key, in order. */
    CompletableFuture<List<Optional<Versioned>>> getAllAsync(List<byte[]> keys, ReadOptions options);

    /** Writes any keys (each shard's part applies atomically); completes with each version, in order. */
    CompletableFuture<List<Long>> putAllAsync(List<Map.Entry<byte[], byte[]>> entries, Duration ttl);

    /**
     * Read-through: the key's value; on a miss, {@code loader}'s value, stored with
     * {@code putIfAbsent} semantics so concurrent clients agree on one value (a client that loses
     * the race answers the winner's). One load per key at a time in this client: callers that
     * miss while it runs wait for it. {@code loader} runs on the thread that completed the read, so
     * it must not block: start the load and return its future; completing with null stores
     * nothing and answers empty. The TTL is stretched by a random share up to {@code ttlJitter}
     * (0 to 1), so keys loaded together do not expire together. When this client's write stored
     * the value, the answer's expiry is estimated from this client's clock; otherwise it is the
     * cache's.
     */
    CompletableFuture<Optional<Versioned>> getOrLoadAsync(byte[] key, Function<byte[], CompletableFuture<byte[]>> loader,
                                                        Duration ttl, double ttlJitter);

    /** As {@link #getOrLoadAsync}, blocking; {@code loader} runs on the calling thread and may block. */
    Optional<Versioned> getOrLoad(byte[] key, Function<byte[], byte[]> loader, Duration ttl, double ttlJitter);

    @Override
    void close();

    // ---- blocking, bytes ----

    default Optional<Versioned> get(byte[] key) {
        return await(getAsync(key, ReadOptions.linearizable()));
    }

    default Optional<Versioned> get(byte[] key, ReadOptions options) {
        return await(getAsync(key, options));
    }

    default long put(byte[] key, byte[] value) {
        return await(putAsync(key, value, Duration.ZERO));
    }

    default long put(byte[] key, byte[] value, Duration ttl) {
        return await(putAsync(key, value, ttl));
    }

    default boolean delete(byte[] key) {
        return await(deleteAsync(key));
    }

    default CasResult compareAndSet(byte[] key, long expectedVersion, byte[] newValue) {
        return await(compareAndSetAsync(key, expectedVersion, newValue, Duration.ZERO));
    }

    default CasResult compareAndSetValue(byte[] key, byte[] expectedValue, byte[] newValue) {
        return await(compareAndSetValueAsync(key, expectedValue, newValue, Duration.ZERO));
    }

    default CasResult putIfAbsent(byte[] key, byte[] value, Duration ttl) {
        return await(putIfAbsentAsync(key, value, ttl));
    }

    default boolean touch(byte[] key, Duration ttl) {
        return await(touchAsync(key, ttl));
    }

    default List<Optional<Versioned>> getAll(List<byte[]> keys) {
        return await(getAllAsync(keys, ReadOptions.linearizable()));
    }

    default List<Long> putAll(List<Map.Entry<byte[], byte[]>> entries, Duration ttl) {
        return await(putAllAsync(entries, ttl));
    }

    default Optional<Versioned> getOrLoad(byte[] key, Function<byte[], byte[]> loader, Duration ttl) {
        return getOrLoad(key, loader, ttl, 0);
    }

    // ---- blocking, UTF-8 strings ----

    default Optional<Versioned> get(String key) {
        return get(utf8(key));
    }

    default Optional<Versioned> get(String key, ReadOptions options) {
        return get(utf8(key), options);
    }

    default long put(String key, String value) {
        return put(utf8(key), utf8(value));
    }

    default long put(String key, String value, Duration ttl) {
        return put(utf8(key), utf8(value), ttl);
    }

    default boolean delete(String key) {
        return delete(utf8(key));
    }

    default CasResult compareAndSet(String key, long expectedVersion, String newValue) {
        return compareAndSet(utf8(key), expectedVersion, utf8(newValue));
    }

    default CasResult putIfAbsent(String key, String value, Duration ttl) {
        return putIfAbsent(utf8(key), utf8(value), ttl);
    }

    default boolean touch(String key, Duration ttl) {
        return touch(utf8(key), ttl);
    }

    /** Reads string keys; the map holds the keys found, in the given order. */
    default Map<String, String> getAllStrings(List<String> keys) {
        List<byte[]> raw = new ArrayList<>();
        keys.forEach(k -> raw.add(utf8(k)));
        List<Optional<Versioned>> values = getAll(raw);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            int at = i;
            values.get(i).ifPresent(v -> out.put(keys.get(at), v.asString()));
        }
        return out;
    }

    default void putAllStrings(Map<String, String> entries, Duration ttl) {
        List<Map.Entry<byte[], byte[]>> raw = new ArrayList<>();
        entries.forEach((k, v) -> raw.add(Map.entry(utf8(k), utf8(v))));
        putAll(raw, ttl);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits for an async call (it is bounded by its own deadline) and unwraps its failure. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new RingcacheException(-1, "interrupted", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RingcacheException r) {
                throw r;
            }
            throw new RingcacheException(-1, String.valueOf(cause), cause);
        }
    }
}
