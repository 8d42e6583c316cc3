package io.ringcache.bench;

import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.Versioned;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A YCSB-style load generator on the Java SDK ({@link RingcacheClient}) against a running
 * cluster: an optional load phase inserting {@code records} keys with {@code putAll} batches,
 * then a run phase of reads and updates by workload (A 50/50, B 95/5, C read only, W write only)
 * over Zipfian (YCSB's scrambled, theta 0.99) or uniform keys, driven by {@link LoadLoop}.
 * Keys are {@link Keys#key(long)} (16 bytes), values {@code value} random bytes.
 *
 * <p>Run {@code SdkLoad --help} for the options.
 */
public final class SdkLoad {

    private static final NameValueOptions OPTIONS = new NameValueOptions()
            .add("pd", "127.0.0.1:9090", "placement driver gRPC address(es), comma-separated")
            .add("workload", "a", "a (50% read/50% update), b (95/5), c (read only), w (update only)")
            .add("records", "100000", "number of keys (the load phase writes keys 0..records-1)")
            .add("value", "100", "value size in bytes")
            .add("threads", "4", "issuing threads")
            .add("inflight", "256", "operations outstanding at once, across all threads")
            .add("seconds", "30", "measured run, seconds")
            .add("warmup", "5", "warm-up before the measured run, seconds (same load, not counted)")
            .add("dist", "zipfian", "key distribution: zipfian (scrambled, theta 0.99) or uniform")
            .add("load", "true", "run the load phase first (true|false)")
            .add("batch", "500", "keys per putAll in the load phase")
            .add("read", "linearizable", "read consistency: linearizable, follower or stale")
            .add("staleness", "1000", "bound for read=stale, milliseconds")
            .add("timeout", "10", "SDK request timeout, seconds")
            .add("progress", "5", "seconds between progress lines")
            .add("seed", "42", "random seed (key and op choice)")
            .add("hot_share", "0", "share of the operations that go to key 0 (one hot key), 0 to 1")
            .add("hot_relief", "near", "what the SDK does with keys the stores mark hot: near (keeps stale reads of them "
                    + "in its hot-key near cache, the default), follower (also reads them linearizably from any replica), none")
            .add("tls_ca", "", "the cluster CA bundle (PEM): talk TLS to a cluster that runs it; empty for plaintext")
            .add("user", "", "sign in as this user (a cluster with auth on); empty: no credentials")
            .add("password", "", "the user's password")
            .add("through", "false", "read-through: a read that misses writes the value (a cache's use); prints the hit ratio")
            .add("verify", "false", "after the run, read back keys 0..records-1 (linearizable getAll batches of `batch`): "
                    + "a key missing or holding another value fails the run");

    private SdkLoad() {
    }

    /** The SDK behind {@link LoadLoop.Target}; counts reads and reads of absent keys. */
    static final class SdkTarget implements LoadLoop.Target {
        private final RingcacheClient client;
        private final ReadOptions readOptions;
        /** Read-through: the value a missing key is written with, or null. */
        private final byte[] fillOnMiss;
        final LongAdder reads = new LongAdder();
        final LongAdder misses = new LongAdder();

        SdkTarget(RingcacheClient client, ReadOptions readOptions) {
            this(client, readOptions, null);
        }

        SdkTarget(RingcacheClient client, ReadOptions readOptions, byte[] fillOnMiss) {
            this.client = client;
            this.readOptions = readOptions;
            this.fillOnMiss = fillOnMiss;
        }

        @Override
        public CompletableFuture<Optional<Versioned>> read(byte[] key) {
            CompletableFuture<Optional<Versioned>> read = client.getAsync(key, readOptions).whenComplete((v, t) -> {
                if (v != null) {
                    reads.increment();
                    if (v.isEmpty()) {
                        misses.increment();
                    }
                }
            });
            if (fillOnMiss == null) {
                return read;
            }
            return read.thenCompose(v -> v.isPresent() ? CompletableFuture.completedFuture(v)
                    : client.putAsync(key, fillOnMiss, Duration.ZERO).thenApply(version -> v));
        }

        @Override
        public CompletableFuture<Long> update(byte[] key, byte[] value) {
            return client.putAsync(key, value, Duration.ZERO);
        }
    }

    static void usage(PrintStream out) {
        out.println("Usage: SdkLoad [name=value ...]   (java -jar benchmarks.jar SdkLoad ..., or -cp benchmarks.jar io.ringcache.bench.SdkLoad ...)");
        out.println("YCSB-style load on the ringcache SDK: load phase (putAll), then reads/updates by workload.");
        OPTIONS.print(out, 10);
        out.println("Example: SdkLoad pd=127.0.0.1:9090 workload=b records=100000 seconds=20 warmup=5 dist=zipfian");
    }

    /** Parsed options; throws IllegalArgumentException with a message on bad input. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> a = OPTIONS.parse(args);
        if (!List.of("a", "b", "c", "w").contains(a.get("workload").toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("workload must be a, b, c or w");
        }
        if (!List.of("zipfian", "uniform").contains(a.get("dist"))) {
            throw new IllegalArgumentException("dist must be zipfian or uniform");
        }
        if (!List.of("true", "false").contains(a.get("load"))) {
            throw new IllegalArgumentException("load must be true or false");
        }
        if (!List.of("near", "follower", "none").contains(a.get("hot_relief"))) {
            throw new IllegalArgumentException("hot_relief must be near, follower or none");
        }
        if (!List.of("linearizable", "follower", "stale").contains(a.get("read"))) {
            throw new IllegalArgumentException("read must be linearizable, follower or stale");
        }
        for (String n : List.of("records", "value", "threads", "inflight", "seconds", "batch", "timeout", "progress")) {
            if (Long.parseLong(a.get(n)) < 1) {
                throw new IllegalArgumentException(n + " must be >= 1");
            }
        }
        if (Long.parseLong(a.get("warmup")) < 0 || Long.parseLong(a.get("staleness")) < 0) {
            throw new IllegalArgumentException("warmup and staleness must be >= 0");
        }
        Long.parseLong(a.get("seed"));
        if (Integer.parseInt(a.get("records")) < 2) {
            throw new IllegalArgumentException("records must be >= 2");
        }
        return a;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && List.of("-h", "--help", "help", "-help").contains(args[0])) {
            usage(System.out);
            return;
        }
        Map<String, String> a;
        try {
            a = parse(args);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            System.err.println("SdkLoad: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        int records = Integer.parseInt(a.get("records"));
        int inflight = Integer.parseInt(a.get("inflight"));
        long seed = Long.parseLong(a.get("seed"));
        byte[] value = new byte[Integer.parseInt(a.get("value"))];
        new SplittableRandom(seed).nextBytes(value);
        ReadOptions readOptions = switch (a.get("read")) {
            case "follower" -> ReadOptions.follower();
            case "stale" -> ReadOptions.stale(Duration.ofMillis(Long.parseLong(a.get("staleness"))));
            default -> ReadOptions.linearizable();
        };
        KeyChooser spread = a.get("dist").equals("zipfian") ? Zipfian.ycsb(records) : KeyChooser.uniform(records);
        double hotShare = Double.parseDouble(a.get("hot_share"));
        KeyChooser keys = hotShare > 0 ? KeyChooser.withHotKey(spread, hotShare) : spread;
        LoadLoop.Workload workload = LoadLoop.Workload.parse(a.get("workload"));
        System.out.printf("SdkLoad %s%n", a);

        int status = 0;
        io.ringcache.client.RingcacheClientBuilder builder = RingcacheClient.builder();
        if (!a.get("user").isEmpty()) {
            builder.credentials(a.get("user"), a.get("password"));
        }
        try (RingcacheClient client = builder
                .placementDriver(a.get("pd").split(","))
                .requestTimeout(Duration.ofSeconds(Long.parseLong(a.get("timeout"))))
                .hotKeyFollowerReads(a.get("hot_relief").equals("follower"))
                .hotKeyNearCache(!a.get("hot_relief").equals("none"))
                .tls(a.get("tls_ca").isEmpty() ? null : java.nio.file.Path.of(a.get("tls_ca")))
                .build()) {
            if (a.get("load").equals("true")) {
                long failed = load(client, records, Integer.parseInt(a.get("batch")), value,
                        Long.parseLong(a.get("progress")));
                if (failed > 0) {
                    status = 1;
                }
            }
            SdkTarget target = new SdkTarget(client, readOptions,
                    Boolean.parseBoolean(a.get("through")) ? value : null);
            System.out.printf("run: workload %s (%s), %s, %s reads, %d threads, %d in flight, %s s warm-up + %s s measured%n",
                    workload.name().toLowerCase(Locale.ROOT), workload.description, keys, a.get("read"),
                    Integer.parseInt(a.get("threads")), inflight, a.get("warmup"), a.get("seconds"));
            LoadLoop.Result result = LoadLoop.run(target, new LoadLoop.Config(workload, keys, value,
                    Integer.parseInt(a.get("threads")), inflight,
                    Duration.ofSeconds(Long.parseLong(a.get("warmup"))), Duration.ofSeconds(Long.parseLong(a.get("seconds"))),
                    Duration.ofSeconds(Long.parseLong(a.get("progress"))), Duration.ofSeconds(Long.parseLong(a.get("timeout")) * 2),
                    seed, System.out));
            result.print(System.out);
            System.out.printf("reads of absent keys (whole run incl. warm-up): %,d of %,d reads, hit ratio %.4f%n",
                    target.misses.sum(), target.reads.sum(),
                    target.reads.sum() == 0 ? 0.0 : 1.0 - (double) target.misses.sum() / target.reads.sum());
            if (result.undrained() > 0) {
                status = 1;
            }
            if (a.get("verify").equals("true")
                    && verify(client, records, Integer.parseInt(a.get("batch")), value, Long.parseLong(a.get("progress"))) > 0) {
                status = 1;
            }
        }
        System.exit(status);
    }

    /** Batches in flight at once in the load and the read-back. */
    private static final int WINDOW = 8;

    /** Sends one batch: keys {@code from} to {@code to - 1}; completes, never exceptionally, once it is counted. */
    private interface BatchSend {
        CompletableFuture<?> send(int from, int to);
    }

    /**
     * Sends keys 0..records-1 in batches of {@code batch}, {@link #WINDOW} in flight, printing
     * {@code progress} every {@code progressSeconds}: the shape of both the load and the read-back.
     * Returns the nanoseconds it took, every batch finished.
     */
    private static long inBatches(int records, int batch, long progressSeconds, Supplier<String> progress, BatchSend send)
            throws InterruptedException {
        Semaphore slots = new Semaphore(WINDOW);
        long start = System.nanoTime();
        long nextProgress = start + TimeUnit.SECONDS.toNanos(progressSeconds);
        for (int from = 0; from < records; from += batch) {
            slots.acquire();
            send.send(from, Math.min(records, from + batch)).whenComplete((v, t) -> slots.release());
            long now = System.nanoTime();
            if (now >= nextProgress) {
                System.out.printf(Locale.ROOT, "[%5.1f s] %s%n", (now - start) / 1e9, progress.get());
                nextProgress = now + TimeUnit.SECONDS.toNanos(progressSeconds);
            }
        }
        slots.acquire(WINDOW);
        return System.nanoTime() - start;
    }

    /** Writes keys 0..records-1 with putAll batches, 8 batches in flight; returns the keys not written. */
    static long load(RingcacheClient client, int records, int batch, byte[] value, long progressSeconds)
            throws InterruptedException {
        LongAdder written = new LongAdder();
        LongAdder failed = new LongAdder();
        Map<String, LongAdder> errors = new java.util.concurrent.ConcurrentHashMap<>();
        System.out.printf("load: %,d keys, %d per putAll, %d batches in flight%n", records, batch, WINDOW);
        long nanos = inBatches(records, batch, progressSeconds,
                () -> String.format(Locale.ROOT, "load %,d / %,d keys written, %,d failed", written.sum(), records, failed.sum()),
                (from, to) -> {
                    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>(to - from);
                    for (int i = from; i < to; i++) {
                        entries.add(Map.entry(Keys.key(i), value));
                    }
                    CompletableFuture<List<Long>> f;
                    try {
                        f = client.putAllAsync(entries, Duration.ZERO);
                    } catch (RuntimeException e) {
                        f = CompletableFuture.failedFuture(e);
                    }
                    return f.handle((r, t) -> {
                        if (t == null) {
                            written.add(to - from);
                        } else {
                            failed.add(to - from);
                            errors.computeIfAbsent(LoadLoop.errorName(t), k -> new LongAdder()).increment();
                        }
                        return null;
                    });
                });
        double secs = nanos / 1e9;
        System.out.printf(Locale.ROOT, "load: %,d keys written in %.1f s (%,.0f keys/s), %,d failed%n",
                written.sum(), secs, written.sum() / secs, failed.sum());
        errors.forEach((k, v) -> System.out.printf("  load batch errors %s: %,d%n", k, v.sum()));
        return failed.sum();
    }

    /**
     * Reads back keys 0..records-1, linearizably, with getAll batches (8 in flight), and counts
     * those missing, holding another value, or not read (a batch that failed); returns their sum.
     * Every write of this tool (the load, a workload's updates) writes the one {@code value}, so
     * each key written must hold exactly it.
     */
    static long verify(RingcacheClient client, int records, int batch, byte[] value, long progressSeconds)
            throws InterruptedException {
        LongAdder good = new LongAdder();
        LongAdder missing = new LongAdder();
        LongAdder differ = new LongAdder();
        LongAdder unread = new LongAdder();
        System.out.printf("verify: reading back %,d keys, %d per getAll, %d batches in flight%n", records, batch, WINDOW);
        long nanos = inBatches(records, batch, progressSeconds,
                () -> String.format(Locale.ROOT, "verify %,d / %,d keys read back", good.sum() + missing.sum() + differ.sum(), records),
                (from, to) -> {
                    List<byte[]> keys = new ArrayList<>(to - from);
                    for (int i = from; i < to; i++) {
                        keys.add(Keys.key(i));
                    }
                    CompletableFuture<List<Optional<Versioned>>> f;
                    try {
                        f = client.getAllAsync(keys, ReadOptions.linearizable());
                    } catch (RuntimeException e) {
                        f = CompletableFuture.failedFuture(e);
                    }
                    return f.handle((found, t) -> {
                        if (t != null) {
                            unread.add(to - from);
                            return null;
                        }
                        for (Optional<Versioned> v : found) {
                            if (v.isEmpty()) {
                                missing.increment();
                            } else if (!Arrays.equals(v.get().value(), value)) {
                                differ.increment();
                            } else {
                                good.increment();
                            }
                        }
                        return null;
                    });
                });
        System.out.printf(Locale.ROOT, "verify: %,d of %,d keys hold the value written, %,d missing, %,d with another value, "
                + "%,d not read (failed batches), in %.1f s%n", good.sum(), records, missing.sum(), differ.sum(), unread.sum(),
                nanos / 1e9);
        return missing.sum() + differ.sum() + unread.sum();
    }
}
