package io.ringcache.bench.compare;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One Redis through Lettuce, as Redis is normally used from Java: GET and SET on one shared
 * connection with auto-flush on, so concurrent requests are pipelined on it by Lettuce. A batch
 * is 16 GETs or 16 SETs written back to back on a second connection whose auto-flush is off, then
 * flushed together: a 16-deep pipeline (not atomic; Redis has no replication or fsync here, as
 * it ships).
 *
 * <p>Several issuing threads share the batch connection: a flush sends everything queued so far,
 * so another thread's flush may send part of a batch early, which only splits a write; every
 * batch ends with its own flush, so no command is left in the buffer.
 */
public final class RedisTarget implements ComparedStore {

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> single;
    private final StatefulRedisConnection<byte[], byte[]> batch;
    private final RedisAsyncCommands<byte[], byte[]> singleCommands;
    private final RedisAsyncCommands<byte[], byte[]> batchCommands;
    private final long timeoutNanos;
    private final LongAdder misses = new LongAdder();

    private RedisTarget(RedisClient client, Duration timeout) {
        this.client = client;
        this.single = client.connect(ByteArrayCodec.INSTANCE);
        this.batch = client.connect(ByteArrayCodec.INSTANCE);
        this.batch.setAutoFlushCommands(false);
        this.singleCommands = single.async();
        this.batchCommands = batch.async();
        this.timeoutNanos = timeout.toNanos();
    }

    /** Connects to the Redis at {@code address} (host:port). */
    public static RedisTarget connect(String address, Duration timeout) {
        int colon = address.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("redis address must be host:port, not '" + address + "'");
        }
        RedisURI uri = RedisURI.create(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
        uri.setTimeout(timeout);
        return new RedisTarget(RedisClient.create(uri), timeout);
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public CompletableFuture<?> read(byte[] key) {
        return bounded(singleCommands.get(key)).thenAccept(this::countMiss);
    }

    @Override
    public CompletableFuture<?> update(byte[] key, byte[] value) {
        return bounded(singleCommands.set(key, value));
    }

    @Override
    public CompletableFuture<?> readAll(List<byte[]> keys) {
        CompletableFuture<?>[] parts = new CompletableFuture<?>[keys.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = bounded(batchCommands.get(keys.get(i))).thenAccept(this::countMiss);
        }
        batch.flushCommands();
        return CompletableFuture.allOf(parts);
    }

    @Override
    public CompletableFuture<?> updateAll(List<byte[]> keys, byte[] value) {
        CompletableFuture<?>[] parts = new CompletableFuture<?>[keys.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = bounded(batchCommands.set(keys.get(i), value));
        }
        batch.flushCommands();
        return CompletableFuture.allOf(parts);
    }

    private void countMiss(byte[] value) {
        if (value == null) {
            misses.increment();
        }
    }

    /** A copy with a deadline: the timeout must fail the caller's future, never Lettuce's own command. */
    private <T> CompletableFuture<T> bounded(RedisFuture<T> f) {
        return f.toCompletableFuture().copy().orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public long misses() {
        return misses.sum();
    }

    @Override
    public void close() {
        single.close();
        batch.close();
        client.shutdown();
    }
}
