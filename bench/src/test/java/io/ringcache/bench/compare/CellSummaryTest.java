package io.ringcache.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CellSummaryTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(3, CellSummary.median(new double[] {5, 3, 1}));
        assertEquals(2.5, CellSummary.median(new double[] {4, 1, 3, 2}));
        assertEquals(7, CellSummary.median(new double[] {7}));
        assertThrows(IllegalArgumentException.class, () -> CellSummary.median(new double[0]));
    }

    @Test
    void eachFigureIsItsOwnMedianAndFailuresAdd() {
        CellSummary s = CellSummary.of(List.of(
                new Sample(100, 10, 90, 1, 0),
                new Sample(300, 30, 50, 0, 2),
                new Sample(200, 20, 70, 3, 0)));
        assertEquals(3, s.rounds());
        assertEquals(200, s.opsPerSecond());
        assertEquals(20, s.p50Nanos());
        assertEquals(70, s.p99Nanos());
        assertEquals(4, s.errors());
        assertEquals(2, s.undrained());
    }

    @Test
    void latencyOnlyFromRoundsThatCompletedSomething() {
        CellSummary s = CellSummary.of(List.of(new Sample(0, -1, -1, 5, 0), new Sample(10, 4, 8, 0, 0)));
        assertEquals(5, s.opsPerSecond());
        assertEquals(4, s.p50Nanos());
        assertEquals(8, s.p99Nanos());
        assertFalse(CellSummary.of(List.of(new Sample(0, -1, -1, 1, 0))).hasLatency());
    }
}
