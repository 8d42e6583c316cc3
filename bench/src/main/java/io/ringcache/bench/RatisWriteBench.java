package io.ringcache.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.adapter.ratis.RatisTuning;
import io.ringcache.shard.adapter.ratis.ShardCallException;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ShardLimits;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end replicated write throughput and latency, not JMH: three {@link ShardGroupHost}s in
 * this JVM on loopback (each with its own temporary storage dir, all on the same disk), hosting
 * the same {@code groups} shard groups (default 16) with heap stores and the default
 * {@link RatisTuning} (log fsync on, synchronous flush). One client thread keeps
 * {@code inflight} (default 256) asynchronous writes outstanding, bounded by a semaphore, each
 * submitted directly to the shard's leader and spread round-robin over the shards; a write
 * completes when its entry is committed on a majority and applied on the leader. Keys are 16
 * bytes, values 100 bytes, cycling over a fixed key set so memory stays bounded.
 *
 * <p>Each variant runs {@code warmup} seconds (default 15: on 2 cores C2 was still busy compiling
 * Ratis and gRPC code 14-19 s after start) then {@code seconds} (default 20)
 * measured; it reports writes/s (Puts/s, so for {@code batch=16}, 16 Puts per log entry, that is
 * 16 x entries/s) and the p50/p99/max latency of one submitted entry (HdrHistogram). It also
 * prints the JVM's thread count and direct memory with the groups hosted, idle and after load.
 * The hosts are always closed and the temporary dir deleted.
 *
 * <p>Arguments ({@code key=value}): {@code groups=16 inflight=256 warmup=15 seconds=20
 * batch=1,16 keys=262144}. Run with the flags of {@code jvm.properties}:
 * {@code java $(java -cp bench/target/benchmarks.jar io.ringcache.bench.JvmFlags) -Xmx1g
 * -cp bench/target/benchmarks.jar io.ringcache.bench.RatisWriteBench}.
 */
public final class RatisWriteBench {

    static final int REPLICAS = 3;
    static final long LEADER_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final int groups;
    private final int inflight;
    private final int warmupSeconds;
    private final int seconds;
    private final int[] batchSizes;
    private final int keys;

    private final ShardGroupHost[] hosts = new ShardGroupHost[REPLICAS];
    private final AtomicBoolean closed = new AtomicBoolean();
    private Path root;
    /** Per shard: the index of the host believed to lead it, or -1 when unknown. */
    private volatile int[] leaders;

    RatisWriteBench(Map<String, String> args) {
        this.groups = Integer.parseInt(args.getOrDefault("groups", "16"));
        this.inflight = Integer.parseInt(args.getOrDefault("inflight", "256"));
        this.warmupSeconds = Integer.parseInt(args.getOrDefault("warmup", "15"));
        this.seconds = Integer.parseInt(args.getOrDefault("seconds", "20"));
        this.batchSizes = Stream.of(args.getOrDefault("batch", "1,16").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        this.keys = Integer.parseInt(args.getOrDefault("keys", "262144"));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("arguments are key=value, not '" + a + "'");
            }
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        RatisWriteBench bench = new RatisWriteBench(args);
        Thread hook = new Thread(bench::closeQuietly, "ratis-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            bench.run();
        } finally {
            bench.closeQuietly();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        // Ratis/gRPC leave non-daemon threads behind now and then; the hosts are closed.
        System.exit(0);
    }

    void run() throws Exception {
        printf("# RatisWriteBench: %d hosts in one JVM, %d groups, %d in flight, warm-up %d s, measured %d s,"
                + " Puts per entry %s, 16 B keys, 100 B values, fsync on (default RatisTuning)%n",
                REPLICAS, groups, inflight, warmupSeconds, seconds, java.util.Arrays.toString(batchSizes));
        printResources("before starting hosts");
        start();
        printResources("idle, " + REPLICAS + " hosts x " + groups + " groups");
        for (int batch : batchSizes) {
            measure(batch);
        }
        printResources("after load, " + REPLICAS + " hosts x " + groups + " groups");
    }

    private void start() throws IOException {
        root = Files.createTempDirectory("ringcache-ratis-bench");
        List<ShardGroupHost.Replica> replicas = new ArrayList<>();
        ShardLimits limits = ShardLimits.withBudget(256L << 20);
        for (int i = 0; i < REPLICAS; i++) {
            RatisTuning tuning = RatisTuning.defaults(root.resolve("s" + i).toFile()).withPort(0);
            hosts[i] = new ShardGroupHost("s" + i, tuning, shard -> new HeapShardStore(), limits,
                    System::currentTimeMillis).start();
            replicas.add(new ShardGroupHost.Replica(hosts[i].peerId(), "127.0.0.1:" + hosts[i].raftPort()));
        }
        long t0 = System.nanoTime();
        for (int shard = 0; shard < groups; shard++) {
            for (ShardGroupHost h : hosts) {
                h.addShard(shard, replicas);
            }
        }
        int[] found = new int[groups];
        for (int shard = 0; shard < groups; shard++) {
            found[shard] = awaitLeader(shard);
        }
        leaders = found;
        printf("# %d groups created and all leaders ready in %.1f s; leaders per host:", groups,
                (System.nanoTime() - t0) / 1e9);
        for (int i = 0; i < REPLICAS; i++) {
            int n = 0;
            for (int l : found) {
                n += l == i ? 1 : 0;
            }
            printf(" s%d=%d", i, n);
        }
        printf("%n");
    }

    private int awaitLeader(int shard) {
        long deadline = System.nanoTime() + LEADER_DEADLINE_NANOS;
        while (true) {
            for (int i = 0; i < REPLICAS; i++) {
                if (hosts[i].isReadyLeader(shard)) {
                    return i;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("shard " + shard + " has no ready leader after 120 s");
            }
            sleep(20);
        }
    }

    /** One variant: {@code batch} Puts per submitted entry; warm-up, then the measured window. */
    private void measure(int batch) throws Exception {
        Semaphore permits = new Semaphore(inflight);
        Recorder latencyMicros = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
        LongAdder completedEntries = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        byte[] value = Keys.value(99);
        int keysPerShard = Math.max(batch, keys / groups);
        long[] perShardCounter = new long[groups];

        long start = System.nanoTime();
        long warmupEnd = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
        boolean measuring = false;
        long entriesAtStart = 0;
        long errorsAtStart = 0;
        long measureStart = 0;
        long seq = 0;
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now >= warmupEnd) {
                latencyMicros.getIntervalHistogram(); // discard the warm-up's latencies
                entriesAtStart = completedEntries.sum();
                errorsAtStart = errors.sum();
                measureStart = System.nanoTime();
                measuring = true;
            }
            if (now >= end) {
                break;
            }
            if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            int shard = (int) (seq++ % groups);
            List<Command> commands = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                // Key k of shard s is number s + groups * k: a shard always owns the same keys.
                long k = perShardCounter[shard]++ % keysPerShard;
                commands.add(new Command.Put(Keys.key(shard + (long) groups * k), value, 0));
            }
            int leader = leaderFor(shard);
            long t0 = System.nanoTime();
            hosts[leader].submit(shard, commands).whenComplete((results, failure) -> {
                try {
                    Throwable problem = failure != null ? unwrap(failure) : check(results, batch);
                    if (problem == null) {
                        latencyMicros.recordValue(Math.min((System.nanoTime() - t0) / 1000,
                                TimeUnit.SECONDS.toMicros(60)));
                        completedEntries.increment();
                    } else {
                        errors.increment();
                        firstError.compareAndSet(null, problem);
                        if (problem instanceof ShardCallException) {
                            forgetLeader(shard, leader);
                        }
                    }
                } finally {
                    permits.release();
                }
            });
        }
        long measureEnd = System.nanoTime();
        Histogram h = latencyMicros.getIntervalHistogram();
        long entries = completedEntries.sum() - entriesAtStart;
        long errs = errors.sum() - errorsAtStart;
        // Drain what is still in flight before the next variant.
        if (!permits.tryAcquire(inflight, 60, TimeUnit.SECONDS)) {
            printf("# warning: %d writes still in flight 60 s after the window%n", inflight - permits.availablePermits());
        }
        double secs = (measureEnd - measureStart) / 1e9;
        printf("RESULT batch=%d: %.0f writes/s (%.0f entries/s) over %.1f s; entry latency p50 %.2f ms,"
                + " p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; %d entries, %d errors%n",
                batch, entries * batch / secs, entries / secs, secs,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, entries, errs);
        if (firstError.get() != null) {
            printf("# first error: %s%n", firstError.get());
        }
    }

    private int leaderFor(int shard) {
        int l = leaders[shard];
        if (l >= 0) {
            return l;
        }
        l = awaitLeader(shard);
        leaders[shard] = l;
        return l;
    }

    private void forgetLeader(int shard, int leader) {
        if (leaders[shard] == leader) {
            leaders[shard] = -1;
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Null when every Put was written; otherwise what went wrong. */
    private static Throwable check(List<CommandResult> results, int expected) {
        if (results.size() != expected) {
            return new IllegalStateException(results.size() + " results for " + expected + " commands");
        }
        for (CommandResult r : results) {
            if (!(r instanceof CommandResult.Written)) {
                return new IllegalStateException("unexpected result " + r);
            }
        }
        return null;
    }

    private static void printResources(String when) {
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "RESOURCES %s: %d live threads", when, threads));
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                s.append(String.format(Locale.ROOT, "; direct buffers: %d, used %.1f MiB, capacity %.1f MiB",
                        pool.getCount(), pool.getMemoryUsed() / 1048576.0, pool.getTotalCapacity() / 1048576.0));
            }
        }
        long netty = nettyUsedDirectMemory();
        s.append(netty >= 0 ? String.format(Locale.ROOT, "; netty (shaded) no-cleaner direct %.1f MiB", netty / 1048576.0)
                : "; netty (shaded) no-cleaner direct: not tracked (its buffers are in the direct pool above)");
        Runtime rt = Runtime.getRuntime();
        s.append(String.format(Locale.ROOT, "; heap used %.1f MiB", (rt.totalMemory() - rt.freeMemory()) / 1048576.0));
        System.out.println(s);
    }

    /** Direct memory the shaded Netty allocates without cleaners (not in the "direct" pool); -1 if not tracked. */
    private static long nettyUsedDirectMemory() {
        try {
            Class<?> pd = Class.forName("org.apache.ratis.thirdparty.io.netty.util.internal.PlatformDependent");
            return ((Number) pd.getMethod("usedDirectMemory").invoke(null)).longValue();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /** Closes every host and deletes the temporary dir; safe to call twice. */
    void closeQuietly() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        silenceLogging();
        for (int i = 0; i < REPLICAS; i++) {
            if (hosts[i] != null) {
                try {
                    hosts[i].close();
                } catch (IOException | RuntimeException e) {
                    System.err.println("closing host s" + i + ": " + e);
                }
                hosts[i] = null;
            }
        }
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("deleting " + root + ": " + e);
            }
            printf("# closed hosts; deleted %s: %s%n", root, !Files.exists(root));
        }
    }

    /**
     * Shutting down three hosts that replicate to each other logs hundreds of expected
     * errors (peers already closed, connections refused); they say nothing about the figures.
     */
    private static void silenceLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
        }
    }

    private static void printf(String format, Object... args) {
        System.out.printf(Locale.ROOT, format, args);
        System.out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
