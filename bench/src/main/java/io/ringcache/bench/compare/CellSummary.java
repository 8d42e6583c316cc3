package io.ringcache.bench.compare;

import java.util.Arrays;
import java.util.List;

/**
 * A cell's figures over its rounds: each of throughput, p50 and p99 is the median of that figure
 * across the rounds (taken separately, so the three may come from different rounds; latency only
 * over rounds in which some operation completed, -1 when none did); errors and undrained
 * operations are summed, since any of them makes the cell suspect.
 */
public record CellSummary(int rounds, double opsPerSecond, double p50Nanos, double p99Nanos, long errors,
                          long undrained) {

    public static CellSummary of(List<Sample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a cell needs at least one sample");
        }
        double[] ops = new double[samples.size()];
        double[] p50 = new double[samples.size()];
        double[] p99 = new double[samples.size()];
        int timed = 0;
        long errors = 0;
        long undrained = 0;
        for (int i = 0; i < ops.length; i++) {
            Sample s = samples.get(i);
            ops[i] = s.opsPerSecond();
            if (s.p50Nanos() >= 0 && s.p99Nanos() >= 0) {
                p50[timed] = s.p50Nanos();
                p99[timed] = s.p99Nanos();
                timed++;
            }
            errors += s.errors();
            undrained += s.undrained();
        }
        double p50Median = timed == 0 ? -1 : median(Arrays.copyOf(p50, timed));
        double p99Median = timed == 0 ? -1 : median(Arrays.copyOf(p99, timed));
        return new CellSummary(samples.size(), median(ops), p50Median, p99Median, errors, undrained);
    }

    /** The middle value, or the mean of the two middle values of an even count. */
    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /** Whether latency figures exist (some operation completed in every round). */
    public boolean hasLatency() {
        return p50Nanos >= 0 && p99Nanos >= 0;
    }
}
