package io.ringcache.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The run phase of a YCSB-style load, independent of what serves it: {@code threads} threads keep
 * at most {@code inflight} asynchronous operations outstanding (one shared semaphore), each a
 * read or an update by the workload's mix, of a key picked by a {@link KeyChooser} from a
 * per-thread {@link SplittableRandom} derived from the seed.
 *
 * <p><b>What is counted.</b> An operation counts in the measurement when it <em>completes</em>
 * inside the window {@code [start + warmup, start + warmup + measure)}; throughput is those
 * completions over the window's length, so operations straddling either edge are left out on
 * both sides alike. Successful ones have their latency (issue to completion, nanoseconds) in
 * the read or update histogram; failed ones (a failed future, or an exception thrown by the
 * target while issuing) are counted by exception class and never propagate. Completions before
 * the window (warm-up) and after it (the drain, when issuing has stopped) are counted apart.
 */
public final class LoadLoop {

    /** What the loop drives. Futures may complete on any thread. */
    public interface Target {
        CompletableFuture<?> read(byte[] key);

        CompletableFuture<?> update(byte[] key, byte[] value);
    }

    /** The YCSB core workloads this tool runs (no inserts or scans), plus write-only. */
    public enum Workload {
        A(0.50, "50% reads, 50% updates"),
        B(0.95, "95% reads, 5% updates"),
        C(1.00, "reads only"),
        W(0.00, "updates only");

        public final double readProportion;
        public final String description;

        Workload(double readProportion, String description) {
            this.readProportion = readProportion;
            this.description = description;
        }

        public static Workload parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    public record Config(Workload workload, KeyChooser keys, byte[] value, int threads, int inflight,
                         Duration warmup, Duration measure, Duration progressEvery, Duration drainTimeout,
                         long seed, PrintStream out) {
        public Config {
            if (threads < 1 || inflight < 1) {
                throw new IllegalArgumentException("threads and inflight must be >= 1");
            }
            if (measure.isZero() || measure.isNegative() || warmup.isNegative()) {
                throw new IllegalArgumentException("measure must be > 0 and warmup >= 0");
            }
        }
    }

    /** The figures of one run; histograms hold nanoseconds. */
    public record Result(Workload workload, double seconds, long readOk, long updateOk, Histogram reads,
                         Histogram updates, Histogram combined, Map<String, Long> errors, long warmupCompletions,
                         long lateCompletions, long issued, int maxOutstanding, int undrained) {

        public long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        public double opsPerSecond() {
            return (readOk + updateOk) / seconds;
        }

        public void print(PrintStream out) {
            out.printf(Locale.ROOT, "%n== workload %s (%s): %,.0f ops/s over %.1f s; %,d ok, %,d errors; max %d outstanding%n",
                    workload.name().toLowerCase(Locale.ROOT), workload.description, opsPerSecond(), seconds,
                    readOk + updateOk, errorCount(), maxOutstanding);
            out.printf(Locale.ROOT, "%-8s %12s %10s %10s %10s %10s %10s %10s%n",
                    "op", "count", "ops/s", "mean ms", "p50 ms", "p99 ms", "p999 ms", "max ms");
            line(out, "read", reads);
            line(out, "update", updates);
            line(out, "all", combined);
            if (!errors.isEmpty()) {
                out.println("errors by class:");
                errors.forEach((k, v) -> out.printf(Locale.ROOT, "  %-50s %,d%n", k, v));
            }
            if (undrained > 0) {
                out.printf("WARNING: %d operations still outstanding after the drain timeout%n", undrained);
            }
        }

        private void line(PrintStream out, String name, Histogram h) {
            if (h.getTotalCount() == 0) {
                out.printf(Locale.ROOT, "%-8s %12d %10s%n", name, 0, "-");
                return;
            }
            out.printf(Locale.ROOT, "%-8s %,12d %,10.0f %10.2f %10.2f %10.2f %10.2f %10.2f%n", name, h.getTotalCount(),
                    h.getTotalCount() / seconds, h.getMean() / 1e6, h.getValueAtPercentile(50) / 1e6,
                    h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
        }
    }

    private final Target target;
    private final Config config;
    private final Semaphore slots;
    private final Recorder readRecorder = new Recorder(3);
    private final Recorder updateRecorder = new Recorder(3);
    private final LongAdder readOk = new LongAdder();
    private final LongAdder updateOk = new LongAdder();
    private final LongAdder warmupCompletions = new LongAdder();
    private final LongAdder lateCompletions = new LongAdder();
    private final LongAdder completions = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder issued = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private volatile boolean stop;
    private long windowStart;
    private long windowEnd;

    private LoadLoop(Target target, Config config) {
        this.target = target;
        this.config = config;
        this.slots = new Semaphore(config.inflight());
    }

    public static Result run(Target target, Config config) throws InterruptedException {
        return new LoadLoop(target, config).run();
    }

    private Result run() throws InterruptedException {
        long begin = System.nanoTime();
        windowStart = begin + config.warmup().toNanos();
        windowEnd = windowStart + config.measure().toNanos();
        Thread[] workers = new Thread[config.threads()];
        for (int i = 0; i < workers.length; i++) {
            SplittableRandom random = new SplittableRandom(config.seed() ^ Keys.mix(i + 1L));
            workers[i] = new Thread(() -> work(random), "load-" + i);
            workers[i].setDaemon(true);
            workers[i].start();
        }

        Histogram reads = new Histogram(3);
        Histogram updates = new Histogram(3);
        long progressNanos = Math.max(1, config.progressEvery().toNanos());
        long lastTick = begin;
        long lastCompletions = 0;
        Histogram interval = new Histogram(3);
        while (true) {
            long now = System.nanoTime();
            if (now >= windowEnd) {
                break;
            }
            // Ticks every progressNanos, plus one where the warm-up ends, so each line is all warm-up or all run.
            boolean warm = lastTick - windowStart < 0;
            long nextTick = lastTick + progressNanos;
            if (warm) {
                nextTick = Math.min(nextTick, windowStart);
            }
            nextTick = Math.min(nextTick, windowEnd);
            TimeUnit.NANOSECONDS.sleep(Math.max(0, nextTick - now));
            now = Math.max(System.nanoTime(), nextTick);
            Histogram r = readRecorder.getIntervalHistogram();
            Histogram u = updateRecorder.getIntervalHistogram();
            reads.add(r);
            updates.add(u);
            long done = completions.sum();
            if (config.out() != null && now < windowEnd) {
                interval.reset();
                interval.add(r);
                interval.add(u);
                double secs = (now - lastTick) / 1e9;
                String p99 = interval.getTotalCount() == 0 ? "-"
                        : String.format(Locale.ROOT, "%.2f ms", interval.getValueAtPercentile(99) / 1e6);
                double avg = warm ? 0 : (reads.getTotalCount() + updates.getTotalCount()) / ((now - windowStart) / 1e9);
                config.out().printf(Locale.ROOT, "[%5.1f s] %-7s %,9.0f ops/s now, %,9.0f ops/s measured so far, p99 now %s, %d outstanding, %,d errors%n",
                        (now - begin) / 1e9, warm ? "warmup" : "run", (done - lastCompletions) / secs,
                        avg, warm ? "-" : p99, outstanding.get(), failures.sum());
            }
            lastTick = now;
            lastCompletions = done;
        }
        stop = true;
        for (Thread w : workers) {
            w.join();
        }
        int undrained = 0;
        if (slots.tryAcquire(config.inflight(), config.drainTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
            slots.release(config.inflight());
        } else {
            undrained = outstanding.get();
        }
        reads.add(readRecorder.getIntervalHistogram());
        updates.add(updateRecorder.getIntervalHistogram());
        Histogram combined = new Histogram(3);
        combined.add(reads);
        combined.add(updates);
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        return new Result(config.workload(), config.measure().toNanos() / 1e9, readOk.sum(), updateOk.sum(),
                reads, updates, combined, errorCounts, warmupCompletions.sum(), lateCompletions.sum(), issued.sum(),
                maxOutstanding.get(), undrained);
    }

    private void work(SplittableRandom random) {
        double readProportion = config.workload().readProportion;
        KeyChooser keys = config.keys();
        byte[] value = config.value();
        try {
            while (!stop) {
                if (!slots.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                if (stop) {
                    slots.release();
                    break;
                }
                boolean read = random.nextDouble() < readProportion;
                byte[] key = Keys.key(keys.next(random));
                int now = outstanding.incrementAndGet();
                maxOutstanding.accumulateAndGet(now, Math::max);
                issued.increment();
                long t0 = System.nanoTime();
                CompletableFuture<?> f;
                try {
                    f = read ? target.read(key) : target.update(key, value);
                    if (f == null) {
                        f = CompletableFuture.failedFuture(new NullPointerException("target returned no future"));
                    }
                } catch (RuntimeException | Error e) {
                    f = CompletableFuture.failedFuture(e);
                }
                f.whenComplete((r, t) -> complete(read, t0, t));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void complete(boolean read, long t0, Throwable failure) {
        try {
            long t1 = System.nanoTime();
            completions.increment();
            if (failure != null) {
                failures.increment();
            }
            if (t1 - windowStart < 0) {
                warmupCompletions.increment();
            } else if (t1 - windowEnd >= 0) {
                lateCompletions.increment();
            } else if (failure == null) {
                (read ? readRecorder : updateRecorder).recordValue(Math.max(0, t1 - t0));
                (read ? readOk : updateOk).increment();
            } else {
                errors.computeIfAbsent(errorName(failure), k -> new LongAdder()).increment();
            }
        } finally {
            outstanding.decrementAndGet();
            slots.release();
        }
    }

    static String errorName(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String name = t.getClass().getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
