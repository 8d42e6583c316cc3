package io.ringcache.bench.compare;

import io.ringcache.bench.LoadLoop;
import java.util.Locale;

/**
 * The rows of the comparison: the load loop's workloads on single keys, and a batch workload
 * whose every operation covers {@link #BATCH_KEYS} keys (half reads, half updates, by the loop's
 * workload A mix), so its throughput is reported in keys per second.
 */
public enum CompareWorkload {
    W(LoadLoop.Workload.W, 1, "writes only"),
    C(LoadLoop.Workload.C, 1, "linearizable reads only"),
    A(LoadLoop.Workload.A, 1, "YCSB A: 50% reads, 50% updates"),
    B(LoadLoop.Workload.B, 1, "YCSB B: 95% reads, 5% updates"),
    BATCH(LoadLoop.Workload.A, 16, "16-key batches: 50% getAll, 50% putAll");

    public static final int BATCH_KEYS = 16;

    public final LoadLoop.Workload mix;
    public final int keysPerOp;
    public final String description;

    CompareWorkload(LoadLoop.Workload mix, int keysPerOp, String description) {
        this.mix = mix;
        this.keysPerOp = keysPerOp;
        this.description = description;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CompareWorkload parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
