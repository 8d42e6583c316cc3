package io.ringcache.bench.compare;

import io.ringcache.bench.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The comparison as Markdown: settings, machine limits, one table of medians (a row per cell,
 * three columns per store, then ringcache's ratios to each other store), the target verdicts and
 * anything that makes a figure suspect (errors, undrained operations, reads that found nothing).
 */
final class CompareReport {

    private CompareReport() {
    }

    static String render(CompareOptions o, MachineLimits.Limits limits, MatrixResults results,
                         Map<String, LoadPhase.Loaded> loads, Map<String, Long> misses) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT,
                "Settings: %s; %d round(s), per run %s s warm-up + %s s measured, %s s pause between runs, %s s "
                        + "unmeasured prewarm per store first; %,d records, %d-byte keys, %d-byte values, %s keys; at "
                        + "most %d issuing threads; request timeout %s s. Each figure is the median over the rounds; "
                        + "latency is per operation from issue to completion.%n%n",
                String.join(", ", results.stores()), o.rounds(), seconds(o.warmup().toNanos()),
                seconds(o.measure().toNanos()), seconds(o.settle().toNanos()), seconds(o.prewarm().toNanos()),
                o.records(), Keys.KEY_BYTES, o.valueBytes(), o.dist(), o.maxThreads(), seconds(o.timeout().toNanos())));
        if (limits != null) {
            b.append(String.format(Locale.ROOT,
                    "Machine limits (same run, before loading): loopback TCP round trips %s/s (%.1f us each; one "
                            + "connection, 1 byte each way, one at a time); fsyncs %s/s (%s ms each; 4 KiB write + "
                            + "fdatasync in a preallocated file under %s); %s s each.%n%n",
                    MarkdownTable.count(limits.roundTripsPerSecond()), 1e6 / limits.roundTripsPerSecond(),
                    MarkdownTable.count(limits.fsyncsPerSecond()), MarkdownTable.millis(1e9 / limits.fsyncsPerSecond()),
                    limits.fsyncDir(), seconds(limits.each().toNanos())));
        }
        b.append(table(results).render()).append('\n');
        b.append("Throughput is ops/s, keys/s for `batch` rows (16 keys per operation); p50/p99 in ms. Ratios are "
                + "ringcache's throughput over the other store's (above 1: ringcache faster) and ringcache's p99 "
                + "over the other's (below 1: ringcache's tail lower).\n\n");
        b.append("Targets:\n\n");
        for (Verdicts.Verdict v : Verdicts.evaluate(results)) {
            b.append(v.line()).append('\n');
        }
        b.append('\n');
        List<String> notes = notes(results, loads, misses);
        if (!notes.isEmpty()) {
            b.append("Notes:\n\n");
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
            b.append('\n');
        }
        return b.toString();
    }

    static MarkdownTable table(MatrixResults results) {
        List<String> stores = results.stores();
        List<String> others = others(stores);
        List<String> headers = new ArrayList<>(List.of("Workload", "In flight:"));
        for (String s : stores) {
            headers.addAll(List.of(s + " ops/s:", "p50:", "p99:"));
        }
        for (String s : others) {
            headers.addAll(List.of("rc/" + s + " ops/s:", "rc/" + s + " p99:"));
        }
        MarkdownTable t = new MarkdownTable(headers);
        for (MatrixResults.Cell cell : results.cells()) {
            CompareWorkload w = cell.workload();
            List<String> row = new ArrayList<>();
            row.add(w == CompareWorkload.BATCH ? "batch (keys/s)" : w.label() + " (" + w.description + ")");
            row.add(Integer.toString(cell.concurrency()));
            for (String s : stores) {
                Optional<CellSummary> c = results.summary(w, cell.concurrency(), s);
                row.add(c.map(x -> MarkdownTable.count(x.opsPerSecond() * w.keysPerOp)).orElse("-"));
                row.add(c.filter(CellSummary::hasLatency).map(x -> MarkdownTable.millis(x.p50Nanos())).orElse("-"));
                row.add(c.filter(CellSummary::hasLatency).map(x -> MarkdownTable.millis(x.p99Nanos())).orElse("-"));
            }
            Optional<CellSummary> rc = results.summary(w, cell.concurrency(), Verdicts.RINGCACHE);
            for (String s : others) {
                Optional<CellSummary> other = results.summary(w, cell.concurrency(), s);
                row.add(ratio(rc, other, false));
                row.add(ratio(rc, other, true));
            }
            t.row(row);
        }
        return t;
    }

    /** ringcache over the other: throughput, or p99 when {@code p99}; "-" when either is missing or zero. */
    static String ratio(Optional<CellSummary> rc, Optional<CellSummary> other, boolean p99) {
        if (rc.isEmpty() || other.isEmpty()) {
            return "-";
        }
        if (p99) {
            if (!rc.get().hasLatency() || !other.get().hasLatency() || other.get().p99Nanos() <= 0) {
                return "-";
            }
            return MarkdownTable.ratio(rc.get().p99Nanos() / other.get().p99Nanos());
        }
        if (other.get().opsPerSecond() <= 0) {
            return "-";
        }
        return MarkdownTable.ratio(rc.get().opsPerSecond() / other.get().opsPerSecond());
    }

    /** The stores ringcache is compared with: all others, when ringcache is in the run. */
    private static List<String> others(List<String> stores) {
        if (!stores.contains(Verdicts.RINGCACHE)) {
            return List.of();
        }
        List<String> out = new ArrayList<>(stores);
        out.remove(Verdicts.RINGCACHE);
        return out;
    }

    private static List<String> notes(MatrixResults results, Map<String, LoadPhase.Loaded> loads,
                                      Map<String, Long> misses) {
        List<String> notes = new ArrayList<>();
        for (MatrixResults.Cell cell : results.cells()) {
            for (String s : results.stores()) {
                results.summary(cell.workload(), cell.concurrency(), s)
                        .filter(c -> c.errors() + c.undrained() > 0)
                        .ifPresent(c -> notes.add(String.format(Locale.ROOT,
                                "%s x%d, %s: %,d failed operations and %,d undrained over %d round(s)",
                                cell.workload().label(), cell.concurrency(), s, c.errors(), c.undrained(), c.rounds())));
            }
        }
        List<String> loaded = new ArrayList<>();
        loads.forEach((s, l) -> loaded.add(String.format(Locale.ROOT, "%s %.1f s%s", s, l.seconds(),
                l.retries() == 0 ? "" : " (" + l.retries() + " batch sends retried)")));
        if (!loaded.isEmpty()) {
            notes.add("load phase, unmeasured (every record written once; batches of 500 keys, 128 for etcd, 8 in "
                    + "flight, a failed batch sent again up to 5 times): " + String.join(", ", loaded));
        }
        List<String> missing = new ArrayList<>();
        misses.forEach((s, n) -> missing.add(String.format(Locale.ROOT, "%s %,d", s, n)));
        if (!missing.isEmpty()) {
            notes.add("reads that found no value (should be 0): " + String.join(", ", missing));
        }
        return notes;
    }

    private static String seconds(long nanos) {
        double s = nanos / 1e9;
        return s == Math.rint(s) ? Long.toString((long) s) : String.format(Locale.ROOT, "%.2f", s).replaceFirst("0$", "");
    }
}
