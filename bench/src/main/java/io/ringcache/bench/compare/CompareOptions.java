package io.ringcache.bench.compare;

import io.ringcache.bench.NameValueOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison's settings, from {@code name=value} arguments over defaults. A store whose
 * address is empty is left out of the run (its columns then read "-"); at least one must be given.
 */
public record CompareOptions(String ringcache, String etcd, String redis, List<CompareWorkload> workloads,
                             List<Integer> concurrency, int rounds, Duration warmup, Duration measure, int records,
                             int valueBytes, String dist, long seed, Duration timeout, int maxThreads,
                             Duration prewarm, Duration settle, Duration limits, Path tmp, String out) {

    private static final NameValueOptions OPTIONS = new NameValueOptions()
            .add("ringcache", "", "placement driver address(es) host:port, comma-separated (empty: skip ringcache)")
            .add("etcd", "", "etcd client URLs http://host:port, comma-separated (empty: skip etcd)")
            .add("redis", "", "Redis address host:port (empty: skip Redis)")
            .add("workloads", "w,c,a,b,batch", "rows, in order: w (writes), c (linearizable reads), a, b, batch (16-key getAll/putAll)")
            .add("concurrency", "1,16,256", "operations in flight per run, comma-separated")
            .add("rounds", "3", "rounds; each round runs every cell once per store, stores in turn")
            .add("prewarm", "3", "seconds each store runs workload a, then batch, at the highest concurrency before round 1, unmeasured (0 skips)")
            .add("warmup", "1", "seconds of load before each measured run (decimals allowed)")
            .add("seconds", "3", "measured seconds per run (decimals allowed)")
            .add("settle", "0.5", "seconds of quiet between runs, so a store's leftover work does not fall on the next run")
            .add("records", "100000", "keys loaded first and read/updated by the runs")
            .add("value", "100", "value size in bytes")
            .add("dist", "zipfian", "key choice: zipfian (YCSB scrambled, theta 0.99) or uniform")
            .add("seed", "42", "random seed")
            .add("timeout", "10", "per-request timeout, seconds")
            .add("threads", "4", "at most this many issuing threads (fewer when concurrency is lower)")
            .add("limits", "3", "seconds for each machine-limit probe (loopback round trips, fsyncs); 0 skips them")
            .add("tmp", System.getProperty("java.io.tmpdir"), "folder for the fsync probe's file")
            .add("out", "-", "file the Markdown report is written to ('-' for standard output)");

    public static void usage(PrintStream out) {
        out.println("Usage: Compare [name=value ...]   (java -jar benchmarks.jar Compare ...)");
        out.println("Runs every workload x concurrency cell against ringcache, etcd and Redis in turn, rounds times,");
        out.println("and writes a Markdown table of medians, ratios and target verdicts.");
        OPTIONS.print(out, 12);
    }

    /** Throws IllegalArgumentException (NumberFormatException included) with a message on bad input. */
    public static CompareOptions parse(String[] args) {
        Map<String, String> a = OPTIONS.parse(args);
        a.replaceAll((name, value) -> value.trim());
        if (a.get("ringcache").isEmpty() && a.get("etcd").isEmpty() && a.get("redis").isEmpty()) {
            throw new IllegalArgumentException("name at least one store: ringcache=, etcd= or redis=");
        }
        List<CompareWorkload> workloads = new ArrayList<>();
        for (String w : list(a.get("workloads"), "workloads")) {
            try {
                workloads.add(CompareWorkload.parse(w));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown workload '" + w + "' (w, c, a, b, batch)");
            }
        }
        List<Integer> concurrency = new ArrayList<>();
        for (String c : list(a.get("concurrency"), "concurrency")) {
            concurrency.add(atLeast("concurrency", Integer.parseInt(c), 1));
        }
        String dist = a.get("dist").toLowerCase(Locale.ROOT);
        if (!dist.equals("zipfian") && !dist.equals("uniform")) {
            throw new IllegalArgumentException("dist must be zipfian or uniform");
        }
        int records = atLeast("records", Integer.parseInt(a.get("records")), CompareWorkload.BATCH_KEYS * 2);
        Duration measure = seconds("seconds", a.get("seconds"));
        if (measure.isZero()) {
            throw new IllegalArgumentException("seconds must be > 0");
        }
        Duration timeout = seconds("timeout", a.get("timeout"));
        if (timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0");
        }
        return new CompareOptions(a.get("ringcache"), a.get("etcd"), a.get("redis"), List.copyOf(workloads),
                List.copyOf(concurrency), atLeast("rounds", Integer.parseInt(a.get("rounds")), 1),
                seconds("warmup", a.get("warmup")), measure, records,
                atLeast("value", Integer.parseInt(a.get("value")), 1), dist, Long.parseLong(a.get("seed")), timeout,
                atLeast("threads", Integer.parseInt(a.get("threads")), 1), seconds("prewarm", a.get("prewarm")),
                seconds("settle", a.get("settle")), seconds("limits", a.get("limits")),
                Path.of(a.get("tmp")), a.get("out"));
    }

    /** Issuing threads for a run at {@code inflight}: one per operation up to the cap. */
    public int threadsFor(int inflight) {
        return Math.min(inflight, maxThreads);
    }

    private static List<String> list(String value, String name) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(name + " must name at least one value");
        }
        return out;
    }

    private static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    private static Duration seconds(String name, String value) {
        double s = Double.parseDouble(value);
        if (!(s >= 0) || s > 86_400) {
            throw new IllegalArgumentException(name + " must be between 0 and 86400 seconds, got " + value);
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
