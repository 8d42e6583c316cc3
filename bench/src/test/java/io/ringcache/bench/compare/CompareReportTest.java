package io.ringcache.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompareReportTest {

    private static final long MS = 1_000_000;

    @Test
    void tableHasThreeColumnsPerStoreAndRingcacheRatios() {
        MatrixResults r = new MatrixResults(List.of("ringcache", "etcd", "redis"));
        r.add(CompareWorkload.W, 256, "ringcache", new Sample(2_000, 100 * MS, 300 * MS, 0, 0));
        r.add(CompareWorkload.W, 256, "etcd", new Sample(20_000, 10 * MS, 30 * MS, 0, 0));
        r.add(CompareWorkload.W, 256, "redis", new Sample(80_000, 2 * MS, 6 * MS, 0, 0));
        r.add(CompareWorkload.BATCH, 1, "ringcache", new Sample(100, MS, 2 * MS, 0, 0));
        String[] lines = CompareReport.table(r).render().split("\n");
        assertEquals("| Workload | In flight | ringcache ops/s | p50 | p99 | etcd ops/s | p50 | p99 | redis ops/s | p50 | p99 "
                + "| rc/etcd ops/s | rc/etcd p99 | rc/redis ops/s | rc/redis p99 |", lines[0]);
        assertEquals("| w (writes only) | 256 | 2,000 | 100.0 | 300.0 | 20,000 | 10.00 | 30.00 | 80,000 | 2.00 | 6.00 "
                + "| 0.10x | 10.0x | 0.025x | 50.0x |", lines[2]);
        assertEquals("| batch (keys/s) | 1 | 1,600 | 1.00 | 2.00 | - | - | - | - | - | - | - | - | - | - |", lines[3]);
    }

    @Test
    void withoutRingcacheThereAreNoRatioColumns() {
        MatrixResults r = new MatrixResults(List.of("etcd"));
        r.add(CompareWorkload.C, 16, "etcd", new Sample(5_000, MS, 3 * MS, 0, 0));
        assertEquals("| Workload | In flight | etcd ops/s | p50 | p99 |", CompareReport.table(r).render().split("\n")[0]);
    }

    @Test
    void ratioNeedsBothSides() {
        Optional<CellSummary> rc = Optional.of(CellSummary.of(List.of(new Sample(10, MS, 4 * MS, 0, 0))));
        Optional<CellSummary> zero = Optional.of(CellSummary.of(List.of(new Sample(0, -1, -1, 3, 0))));
        assertEquals("-", CompareReport.ratio(rc, Optional.empty(), false));
        assertEquals("-", CompareReport.ratio(rc, zero, false));
        assertEquals("-", CompareReport.ratio(rc, zero, true));
    }

    @Test
    void reportListsVerdictsAndSuspectCells() {
        MatrixResults r = new MatrixResults(List.of("ringcache", "etcd"));
        r.add(CompareWorkload.C, 256, "ringcache", new Sample(10, MS, 2 * MS, 7, 1));
        CompareOptions o = CompareOptions.parse(new String[] {"ringcache=x:1", "etcd=http://x:2"});
        String text = CompareReport.render(o, null, r, Map.of("ringcache", new LoadPhase.Loaded(1.5, 2)), Map.of("ringcache", 0L));
        assertTrue(text.contains("Targets:"), text);
        assertTrue(text.contains("c x256, ringcache: 7 failed operations and 1 undrained over 1 round(s)"), text);
        assertTrue(text.contains("reads that found no value (should be 0): ringcache 0"), text);
        assertTrue(text.contains("ringcache 1.5 s (2 batch sends retried)"), text);
        assertTrue(!text.contains("Machine limits"), text);
    }
}
