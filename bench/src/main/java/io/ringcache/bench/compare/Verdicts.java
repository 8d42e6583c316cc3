package io.ringcache.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The targets for ringcache against etcd and Redis, judged on a comparison's medians.
 * A target whose cells were not all measured (a store left out, a concurrency not run) is
 * reported as not measured, never as met. Throughput compares ops/s (keys/s for batches, the
 * same ratio); "lower p99" is strict, "no worse" allows equality.
 */
public final class Verdicts {

    public static final String RINGCACHE = "ringcache";
    public static final String ETCD = "etcd";
    public static final String REDIS = "redis";
    static final int HIGH = 256;
    static final int ONE = 1;

    public enum Status { MET, MISSED, NOT_MEASURED }

    public record Verdict(String target, Status status, String detail) {
        public String line() {
            String word = switch (status) {
                case MET -> "**met**";
                case MISSED -> "**missed**";
                case NOT_MEASURED -> "not measured";
            };
            return "- " + target + ": " + word + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    private Verdicts() {
    }

    public static List<Verdict> evaluate(MatrixResults r) {
        return List.of(writes(r), reads(r), batches(r), oneAtATime(r));
    }

    static Verdict writes(MatrixResults r) {
        String target = "writes at 256 in flight: ringcache >= 10x etcd ops/s, with lower p99";
        Optional<CellSummary> rc = timed(r, CompareWorkload.W, HIGH, RINGCACHE);
        Optional<CellSummary> etcd = timed(r, CompareWorkload.W, HIGH, ETCD);
        if (rc.isEmpty() || etcd.isEmpty()) {
            return new Verdict(target, Status.NOT_MEASURED, "");
        }
        double x = rc.get().opsPerSecond() / etcd.get().opsPerSecond();
        boolean met = x >= 10 && rc.get().p99Nanos() < etcd.get().p99Nanos();
        return new Verdict(target, met ? Status.MET : Status.MISSED, String.format(Locale.ROOT,
                "%s ops/s vs %s = %s; p99 %s ms vs %s ms", MarkdownTable.count(rc.get().opsPerSecond()),
                MarkdownTable.count(etcd.get().opsPerSecond()), MarkdownTable.ratio(x),
                MarkdownTable.millis(rc.get().p99Nanos()), MarkdownTable.millis(etcd.get().p99Nanos())));
    }

    static Verdict reads(MatrixResults r) {
        String target = "linearizable reads at 256 in flight: ringcache >= 10x etcd and >= 0.5x Redis ops/s";
        Optional<CellSummary> rc = r.summary(CompareWorkload.C, HIGH, RINGCACHE);
        Optional<CellSummary> etcd = r.summary(CompareWorkload.C, HIGH, ETCD);
        Optional<CellSummary> redis = r.summary(CompareWorkload.C, HIGH, REDIS);
        if (rc.isEmpty() || etcd.isEmpty() || redis.isEmpty()) {
            return new Verdict(target, Status.NOT_MEASURED, "");
        }
        double xEtcd = rc.get().opsPerSecond() / etcd.get().opsPerSecond();
        double xRedis = rc.get().opsPerSecond() / redis.get().opsPerSecond();
        boolean met = xEtcd >= 10 && xRedis >= 0.5;
        return new Verdict(target, met ? Status.MET : Status.MISSED, String.format(Locale.ROOT,
                "%s ops/s; etcd %s = %s; Redis %s = %s", MarkdownTable.count(rc.get().opsPerSecond()),
                MarkdownTable.count(etcd.get().opsPerSecond()), MarkdownTable.ratio(xEtcd),
                MarkdownTable.count(redis.get().opsPerSecond()), MarkdownTable.ratio(xRedis)));
    }

    static Verdict batches(MatrixResults r) {
        String target = "16-key batches at 256 in flight (getAll/putAll vs a 16-deep Redis pipeline): ringcache >= 0.25x Redis keys/s";
        Optional<CellSummary> rc = r.summary(CompareWorkload.BATCH, HIGH, RINGCACHE);
        Optional<CellSummary> redis = r.summary(CompareWorkload.BATCH, HIGH, REDIS);
        if (rc.isEmpty() || redis.isEmpty()) {
            return new Verdict(target, Status.NOT_MEASURED, "");
        }
        int k = CompareWorkload.BATCH.keysPerOp;
        double x = rc.get().opsPerSecond() / redis.get().opsPerSecond();
        return new Verdict(target, x >= 0.25 ? Status.MET : Status.MISSED, String.format(Locale.ROOT,
                "%s keys/s vs %s = %s", MarkdownTable.count(rc.get().opsPerSecond() * k),
                MarkdownTable.count(redis.get().opsPerSecond() * k), MarkdownTable.ratio(x)));
    }

    static Verdict oneAtATime(MatrixResults r) {
        String target = "one request at a time (1 in flight): ringcache p50 and p99 no worse than etcd's, in every single-key workload";
        List<String> details = new ArrayList<>();
        boolean met = true;
        for (CompareWorkload w : List.of(CompareWorkload.W, CompareWorkload.C, CompareWorkload.A, CompareWorkload.B)) {
            Optional<CellSummary> rc = timed(r, w, ONE, RINGCACHE);
            Optional<CellSummary> etcd = timed(r, w, ONE, ETCD);
            if (rc.isEmpty() || etcd.isEmpty()) {
                continue;
            }
            boolean ok = rc.get().p50Nanos() <= etcd.get().p50Nanos() && rc.get().p99Nanos() <= etcd.get().p99Nanos();
            met &= ok;
            details.add(String.format(Locale.ROOT, "%s: p50 %s vs %s ms, p99 %s vs %s ms%s", w.label(),
                    MarkdownTable.millis(rc.get().p50Nanos()), MarkdownTable.millis(etcd.get().p50Nanos()),
                    MarkdownTable.millis(rc.get().p99Nanos()), MarkdownTable.millis(etcd.get().p99Nanos()),
                    ok ? "" : " (worse)"));
        }
        if (details.isEmpty()) {
            return new Verdict(target, Status.NOT_MEASURED, "");
        }
        return new Verdict(target, met ? Status.MET : Status.MISSED, String.join("; ", details));
    }

    /** The summary, when it exists and has latency figures. */
    private static Optional<CellSummary> timed(MatrixResults r, CompareWorkload w, int inflight, String store) {
        return r.summary(w, inflight, store).filter(CellSummary::hasLatency);
    }
}
