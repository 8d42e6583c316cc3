package io.ringcache.bench.compare;

import io.ringcache.bench.KeyChooser;
import io.ringcache.bench.LoadLoop;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs every cell (workload x concurrency) against every store, round after round, all in this
 * JVM with one client per store kept open throughout, so every store meets the same warm
 * generator. Within a round the stores take turns on each cell before the next cell starts
 * (ringcache, etcd, redis, ringcache, etcd, redis, ...): slow drift of the machine (page cache,
 * compaction, another tenant) then falls on all of them alike rather than on whichever ran last.
 *
 * <p>Before round 1 each store runs workload A and then the batch workload at the highest
 * concurrency for the prewarm time, unmeasured: the generator's JIT-compiled paths differ per
 * client library, and without this the first cells of each store would measure the compiler.
 *
 * <p>Every store gets the same seed in a round (so the same key and operation sequence per
 * thread); rounds differ by seed. A run starts only after the previous one drained (every
 * operation answered) and a settle pause, since a server may still be working after its client is
 * answered (followers catching up, snapshots) and that work must not fall on the next store's run.
 */
final class CompareMatrix {

    private final List<ComparedStore> stores;
    private final CompareOptions options;
    private final KeyChooser keys;
    private final byte[] value;
    private final PrintStream progress;

    CompareMatrix(List<ComparedStore> stores, CompareOptions options, KeyChooser keys, byte[] value,
                  PrintStream progress) {
        this.stores = List.copyOf(stores);
        this.options = options;
        this.keys = keys;
        this.value = value.clone();
        this.progress = progress;
    }

    /** Runs this many single runs in all. */
    int runs() {
        return options.rounds() * options.workloads().size() * options.concurrency().size() * stores.size();
    }

    MatrixResults run() throws InterruptedException {
        List<String> names = new ArrayList<>();
        stores.forEach(s -> names.add(s.name()));
        MatrixResults results = new MatrixResults(names);
        if (!options.prewarm().isZero()) {
            int highest = options.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1);
            for (ComparedStore store : stores) {
                progress.printf(Locale.ROOT, "prewarm %s: a, then batch, x%d, %d ms each%n", store.name(), highest,
                        options.prewarm().toMillis());
                for (CompareWorkload w : List.of(CompareWorkload.A, CompareWorkload.BATCH)) {
                    run(store, w, highest, options.seed() - 1, Duration.ZERO, options.prewarm());
                }
            }
        }
        int total = runs();
        int done = 0;
        long start = System.nanoTime();
        for (int round = 1; round <= options.rounds(); round++) {
            long seed = options.seed() + round * 0x9E3779B97F4A7C15L;
            for (CompareWorkload workload : options.workloads()) {
                for (int inflight : options.concurrency()) {
                    for (ComparedStore store : stores) {
                        Thread.sleep(options.settle().toMillis());
                        Sample s = run(store, workload, inflight, seed, options.warmup(), options.measure());
                        results.add(workload, inflight, store.name(), s);
                        done++;
                        progress.printf(Locale.ROOT,
                                "[%3d/%d %5.0f s] round %d %-5s x%-4d %-9s %,10.0f %s/s  p50 %s  p99 %s%s%n",
                                done, total, (System.nanoTime() - start) / 1e9, round, workload.label(), inflight,
                                store.name(), s.opsPerSecond() * workload.keysPerOp,
                                workload.keysPerOp > 1 ? "keys" : "ops", ms(s.p50Nanos()), ms(s.p99Nanos()),
                                s.errors() + s.undrained() > 0
                                        ? "  (" + s.errors() + " errors, " + s.undrained() + " undrained)" : "");
                    }
                }
            }
        }
        return results;
    }

    private Sample run(ComparedStore store, CompareWorkload workload, int inflight, long seed, Duration warmup,
                       Duration measure) throws InterruptedException {
        LoadLoop.Target target = workload.keysPerOp == 1 ? store
                : new BatchTarget(store, keys, workload.keysPerOp, seed);
        LoadLoop.Config config = new LoadLoop.Config(workload.mix, keys, value, options.threadsFor(inflight), inflight,
                warmup, measure, Duration.ofSeconds(1), options.timeout().multipliedBy(2), seed,
                null);
        LoadLoop.Result r = LoadLoop.run(target, config);
        boolean timed = r.combined().getTotalCount() > 0;
        return new Sample(r.opsPerSecond(), timed ? r.combined().getValueAtPercentile(50) : -1,
                timed ? r.combined().getValueAtPercentile(99) : -1, r.errorCount(), r.undrained());
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "-" : MarkdownTable.millis(nanos);
    }
}
