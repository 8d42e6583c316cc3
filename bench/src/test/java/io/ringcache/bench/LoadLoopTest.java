package io.ringcache.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The run loop against an in-memory fake target (no cluster). */
class LoadLoopTest {

    /** A map served asynchronously after a short random delay; fails a share of calls. */
    static final class FakeTarget implements LoadLoop.Target {
        final Map<String, byte[]> data = new ConcurrentHashMap<>();
        final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        final LongAdder reads = new LongAdder();
        final LongAdder updates = new LongAdder();
        final LongAdder completed = new LongAdder();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger maxOutstanding = new AtomicInteger();
        final double failAsync;
        final double throwSync;

        FakeTarget(double failAsync, double throwSync) {
            this.failAsync = failAsync;
            this.throwSync = throwSync;
        }

        private <T> CompletableFuture<T> later(java.util.function.Supplier<T> op) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            if (r.nextDouble() < throwSync) {
                completed.increment();
                throw new IllegalStateException("refused while issuing");
            }
            boolean fail = r.nextDouble() < failAsync;
            int now = outstanding.incrementAndGet();
            maxOutstanding.accumulateAndGet(now, Math::max);
            CompletableFuture<T> f = new CompletableFuture<>();
            timer.schedule(() -> {
                outstanding.decrementAndGet();
                completed.increment();
                if (fail) {
                    f.completeExceptionally(new java.util.concurrent.TimeoutException("fake timeout"));
                } else {
                    f.complete(op.get());
                }
            }, r.nextLong(50, 500), TimeUnit.MICROSECONDS);
            return f;
        }

        @Override
        public CompletableFuture<byte[]> read(byte[] key) {
            reads.increment();
            return later(() -> data.get(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1)));
        }

        @Override
        public CompletableFuture<byte[]> update(byte[] key, byte[] value) {
            updates.increment();
            return later(() -> data.put(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1), value));
        }
    }

    private FakeTarget fake;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.timer.shutdownNow();
        }
    }

    private static LoadLoop.Config config(LoadLoop.Workload w, int threads, int inflight, long warmupMs, long measureMs) {
        return new LoadLoop.Config(w, Zipfian.ycsb(10_000), new byte[100], threads, inflight,
                Duration.ofMillis(warmupMs), Duration.ofMillis(measureMs), Duration.ofMillis(200),
                Duration.ofSeconds(5), 42, null);
    }

    @ParameterizedTest
    @EnumSource(LoadLoop.Workload.class)
    void opMixFollowsTheWorkload(LoadLoop.Workload w) throws Exception {
        fake = new FakeTarget(0, 0);
        LoadLoop.Result r = LoadLoop.run(fake, config(w, 2, 32, 0, 300));
        long total = fake.reads.sum() + fake.updates.sum();
        assertTrue(total > 1000, "ops issued: " + total);
        double readShare = fake.reads.sum() / (double) total;
        assertEquals(w.readProportion, readShare, 0.03, "read share for " + w);
        assertEquals(fake.reads.sum() + fake.updates.sum(), r.issued());
        if (w == LoadLoop.Workload.C) {
            assertEquals(0, fake.updates.sum());
            assertEquals(0, r.updates().getTotalCount());
        }
        if (w == LoadLoop.Workload.W) {
            assertEquals(0, fake.reads.sum());
            assertEquals(0, r.reads().getTotalCount());
        }
    }

    @Test
    void boundsInflightCountsEveryCompletionOnceAndCountsErrors() throws Exception {
        fake = new FakeTarget(0.01, 0.005);
        int inflight = 24;
        LoadLoop.Result r = LoadLoop.run(fake, config(LoadLoop.Workload.A, 4, inflight, 200, 1000));

        assertTrue(fake.maxOutstanding.get() <= inflight, "target saw " + fake.maxOutstanding.get());
        assertTrue(r.maxOutstanding() <= inflight, "loop saw " + r.maxOutstanding());
        assertTrue(r.maxOutstanding() >= inflight / 2, "the window was used: " + r.maxOutstanding());
        assertEquals(0, r.undrained());

        // Histograms hold exactly the successful measured operations.
        assertEquals(r.readOk(), r.reads().getTotalCount());
        assertEquals(r.updateOk(), r.updates().getTotalCount());
        assertEquals(r.readOk() + r.updateOk(), r.combined().getTotalCount());
        assertTrue(r.readOk() > 1000 && r.updateOk() > 1000, r.readOk() + " / " + r.updateOk());

        // Every issued operation completed and was counted exactly once: measured ok, measured error,
        // warm-up or after the window.
        assertEquals(fake.completed.sum(), r.issued());
        assertEquals(r.issued(), r.readOk() + r.updateOk() + r.errorCount() + r.warmupCompletions() + r.lateCompletions());
        assertTrue(r.warmupCompletions() > 0);

        // Errors are counted by class, not thrown.
        assertTrue(r.errors().getOrDefault("TimeoutException", 0L) > 0, "errors: " + r.errors());
        assertTrue(r.errors().getOrDefault("IllegalStateException", 0L) > 0, "errors: " + r.errors());
        assertEquals(r.errors().keySet(), java.util.Set.of("TimeoutException", "IllegalStateException"));

        // Latencies are those of the fake (50-500 us plus scheduling), in nanoseconds.
        assertTrue(r.combined().getValueAtPercentile(50) >= 50_000, "p50 " + r.combined().getValueAtPercentile(50));
        assertEquals(r.opsPerSecond(), (r.readOk() + r.updateOk()) / r.seconds(), 1e-9);
    }

    @Test
    void printsASummary() throws Exception {
        fake = new FakeTarget(0.01, 0);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        LoadLoop.Result r = LoadLoop.run(fake, new LoadLoop.Config(LoadLoop.Workload.B, KeyChooser.uniform(1000),
                new byte[10], 1, 8, Duration.ZERO, Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofSeconds(5), 1, out));
        r.print(out);
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("ops/s now"), text);
        assertTrue(text.contains("== workload b"), text);
        assertTrue(text.contains("p999 ms"), text);
        assertTrue(text.contains("TimeoutException"), text);
    }
}
