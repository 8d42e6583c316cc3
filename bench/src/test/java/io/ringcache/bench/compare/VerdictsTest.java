package io.ringcache.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictsTest {

    private static final long MS = 1_000_000;

    private static MatrixResults results() {
        return new MatrixResults(List.of(Verdicts.RINGCACHE, Verdicts.ETCD, Verdicts.REDIS));
    }

    @Test
    void writesNeedTenTimesAndALowerTail() {
        MatrixResults r = results();
        r.add(CompareWorkload.W, 256, "ringcache", new Sample(20_000, 5 * MS, 20 * MS, 0, 0));
        r.add(CompareWorkload.W, 256, "etcd", new Sample(2_000, 50 * MS, 90 * MS, 0, 0));
        assertEquals(Verdicts.Status.MET, Verdicts.writes(r).status());

        MatrixResults slowTail = results();
        slowTail.add(CompareWorkload.W, 256, "ringcache", new Sample(20_000, 5 * MS, 95 * MS, 0, 0));
        slowTail.add(CompareWorkload.W, 256, "etcd", new Sample(2_000, 50 * MS, 90 * MS, 0, 0));
        assertEquals(Verdicts.Status.MISSED, Verdicts.writes(slowTail).status());
    }

    @Test
    void readsNeedBothRatios() {
        MatrixResults r = results();
        r.add(CompareWorkload.C, 256, "ringcache", new Sample(40_000, MS, 2 * MS, 0, 0));
        r.add(CompareWorkload.C, 256, "etcd", new Sample(4_000, MS, 2 * MS, 0, 0));
        r.add(CompareWorkload.C, 256, "redis", new Sample(100_000, MS, 2 * MS, 0, 0));
        Verdicts.Verdict v = Verdicts.reads(r);
        assertEquals(Verdicts.Status.MISSED, v.status());
        assertTrue(v.detail().contains("0.40x"), v.detail());
    }

    @Test
    void batchesCompareKeysPerSecondWithRedis() {
        MatrixResults r = results();
        r.add(CompareWorkload.BATCH, 256, "ringcache", new Sample(1_000, MS, 2 * MS, 0, 0));
        r.add(CompareWorkload.BATCH, 256, "redis", new Sample(4_000, MS, 2 * MS, 0, 0));
        Verdicts.Verdict v = Verdicts.batches(r);
        assertEquals(Verdicts.Status.MET, v.status());
        assertTrue(v.detail().startsWith("16,000 keys/s vs 64,000"), v.detail());
    }

    @Test
    void oneAtATimeAllowsEqualLatencyButNotWorse() {
        MatrixResults r = results();
        r.add(CompareWorkload.W, 1, "ringcache", new Sample(100, 2 * MS, 4 * MS, 0, 0));
        r.add(CompareWorkload.W, 1, "etcd", new Sample(100, 2 * MS, 4 * MS, 0, 0));
        assertEquals(Verdicts.Status.MET, Verdicts.oneAtATime(r).status());
        r.add(CompareWorkload.C, 1, "ringcache", new Sample(100, 3 * MS, 4 * MS, 0, 0));
        r.add(CompareWorkload.C, 1, "etcd", new Sample(100, 2 * MS, 4 * MS, 0, 0));
        Verdicts.Verdict v = Verdicts.oneAtATime(r);
        assertEquals(Verdicts.Status.MISSED, v.status());
        assertTrue(v.detail().contains("c: p50 3.00 vs 2.00 ms, p99 4.00 vs 4.00 ms (worse)"), v.detail());
    }

    @Test
    void missingCellsAreNotMeasuredNeverMet() {
        MatrixResults r = results();
        r.add(CompareWorkload.W, 256, "ringcache", new Sample(20_000, MS, 2 * MS, 0, 0));
        for (Verdicts.Verdict v : Verdicts.evaluate(r)) {
            assertEquals(Verdicts.Status.NOT_MEASURED, v.status(), v.target());
            assertTrue(v.line().endsWith("not measured"), v.line());
        }
    }
}
