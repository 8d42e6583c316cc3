package io.ringcache.chaos.adapter.workload;

import io.ringcache.chaos.core.Operation;
import io.ringcache.chaos.core.TtlChecker;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Keys with a time to live, through the SDK: each client puts a fresh key with a TTL of 0.5-2.5 s,
 * then reads it (linearizable) every 20-120 ms until {@code watchMillis} after the TTL ran out,
 * and hands the probe (the put and every answered read) to the sink for {@link TtlChecker}. Each
 * key is written once and read only by the client that wrote it. A read that failed is left out
 * (it says nothing); a put that failed is kept with an unknown outcome, which the checker skips.
 * Times are this JVM's {@link System#nanoTime()}, so the clients' own clock never jumps.
 */
public final class TtlWorkload implements AutoCloseable {

    /** Gets every finished probe, from the clients' threads (must be thread-safe). */
    @FunctionalInterface
    public interface Sink {
        void probe(TtlChecker.Probe probe);
    }

    static final int MIN_TTL_MILLIS = 500;
    static final int MAX_TTL_MILLIS = 2_500;

    private final RingcacheClient sdk;
    private final int clients;
    private final long seed;
    private final long watchMillis;
    private final Sink sink;
    private final ClientThreads threads = new ClientThreads();

    public TtlWorkload(RingcacheClient sdk, int clients, long seed, long watchMillis, Sink sink) {
        this.sdk = sdk;
        this.clients = clients;
        this.seed = seed;
        this.watchMillis = watchMillis;
        this.sink = sink;
    }

    public void start() {
        threads.start("ttl-client", clients, client -> {
            Random random = new Random(seed * 31 + client);
            return n -> sink.probe(probe("t" + client + "." + n, random));
        });
    }

    private TtlChecker.Probe probe(String key, Random random) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        long ttl = MIN_TTL_MILLIS + random.nextInt(MAX_TTL_MILLIS - MIN_TTL_MILLIS + 1);
        long invoked = System.nanoTime();
        long returned;
        try {
            sdk.put(k, "v".getBytes(StandardCharsets.UTF_8), Duration.ofMillis(ttl));
            returned = System.nanoTime();
        } catch (RuntimeException e) {
            returned = Operation.NEVER;
        }
        long watchUntil = (returned == Operation.NEVER ? invoked : returned) + TimeUnit.MILLISECONDS.toNanos(ttl + watchMillis);
        List<TtlChecker.Read> reads = new ArrayList<>();
        while (!threads.stopping() && System.nanoTime() - watchUntil < 0) {
            long readAt = System.nanoTime();
            try {
                boolean present = sdk.get(k, ReadOptions.linearizable()).isPresent();
                reads.add(new TtlChecker.Read(readAt, System.nanoTime(), present));
            } catch (RuntimeException e) {
                // No answer: it constrains nothing.
            }
            pause(20 + random.nextInt(101));
        }
        return new TtlChecker.Probe(key, ttl, invoked, returned, reads);
    }

    /** Stops the clients and waits for their calls in flight (each bounded by the SDK's timeout). */
    @Override
    public void close() throws InterruptedException {
        threads.close();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
