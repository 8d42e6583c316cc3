package io.ringcache.bench.compare;

import io.ringcache.bench.KeyChooser;
import io.ringcache.bench.Zipfian;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The comparison runner: measures the machine's limits, connects to each store named, loads the
 * records into each, runs the matrix ({@link CompareMatrix}) and writes the Markdown report
 * ({@link CompareReport}). Progress goes to standard error so the report can go to standard output.
 * Exit status: 0 done, 1 a store failed to connect or load, 2 bad arguments.
 */
public final class Compare {

    private Compare() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && List.of("-h", "--help", "help").contains(args[0])) {
            CompareOptions.usage(System.out);
            return;
        }
        CompareOptions o;
        try {
            o = CompareOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Compare: " + e.getMessage());
            CompareOptions.usage(System.err);
            System.exit(2);
            return;
        }
        System.exit(run(o, System.err));
    }

    static int run(CompareOptions o, PrintStream progress) throws Exception {
        MachineLimits.Limits limits = null;
        if (!o.limits().isZero()) {
            progress.println("machine limits: loopback round trips, then fsyncs, " + o.limits().toSeconds() + " s each");
            limits = MachineLimits.measure(o.limits(), o.tmp());
            progress.printf("machine limits: %,.0f loopback round trips/s, %,.0f fsyncs/s%n",
                    limits.roundTripsPerSecond(), limits.fsyncsPerSecond());
        }
        byte[] value = new byte[o.valueBytes()];
        new SplittableRandom(o.seed()).nextBytes(value);
        KeyChooser keys = o.dist().equals("zipfian") ? Zipfian.ycsb(o.records()) : KeyChooser.uniform(o.records());

        List<ComparedStore> stores = new ArrayList<>();
        try {
            try {
                if (!o.ringcache().isEmpty()) {
                    stores.add(RingcacheTarget.connect(o.ringcache(), o.timeout()));
                }
                if (!o.etcd().isEmpty()) {
                    stores.add(EtcdTarget.connect(o.etcd(), o.timeout()));
                }
                if (!o.redis().isEmpty()) {
                    stores.add(RedisTarget.connect(o.redis(), o.timeout()));
                }
            } catch (RuntimeException e) {
                progress.println("Compare: cannot connect: " + e);
                return 1;
            }
            Map<String, LoadPhase.Loaded> loads = new LinkedHashMap<>();
            for (ComparedStore s : stores) {
                try {
                    loads.put(s.name(), LoadPhase.load(s, o.records(), value, progress));
                } catch (IllegalStateException e) {
                    progress.println("Compare: " + e.getMessage() + ": " + e.getCause());
                    return 1;
                }
            }
            CompareMatrix matrix = new CompareMatrix(stores, o, keys, value, progress);
            progress.printf("matrix: %d runs of %s s + %s s warm-up%n", matrix.runs(),
                    o.measure().toMillis() / 1000.0, o.warmup().toMillis() / 1000.0);
            MatrixResults results = matrix.run();
            Map<String, Long> misses = new LinkedHashMap<>();
            stores.forEach(s -> misses.put(s.name(), s.misses()));
            String report = CompareReport.render(o, limits, results, loads, misses);
            if (o.out().equals("-")) {
                System.out.print(report);
            } else {
                Files.writeString(Path.of(o.out()), report, StandardCharsets.UTF_8);
                progress.println("report written to " + o.out());
            }
            return 0;
        } finally {
            for (ComparedStore s : stores) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    progress.println("Compare: closing " + s.name() + ": " + e);
                }
            }
        }
    }
}
