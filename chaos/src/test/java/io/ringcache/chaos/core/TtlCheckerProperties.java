package io.ringcache.chaos.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The TTL checker against a model of the store: the writer's clock is {@code writerSkew} off true
 * time when it stamps the put (somewhere between its invocation and its return), the reader's clock
 * {@code readerSkew} off when it answers a read (somewhere between the read's invocation and its
 * return), and the key is live while the reader's clock is before stamp + ttl. A bound that covers
 * the two clocks' difference never reports a violation; a difference beyond the bound is reported
 * as soon as a read falls where only that difference explains it.
 */
class TtlCheckerProperties {

    private static final long MS = 1_000_000;

    @Property(tries = 500)
    void aBoundCoveringTheSkewFindsNothing(@ForAll("seed") long seed, @ForAll @IntRange(min = -3_000, max = 3_000) int writerSkew,
                                           @ForAll @IntRange(min = -3_000, max = 3_000) int readerSkew) {
        Random random = new Random(seed);
        List<TtlChecker.Probe> probes = probes(random, writerSkew, readerSkew, 20);
        TtlChecker.Report report = TtlChecker.check(probes, Math.abs(writerSkew - readerSkew));
        assertEquals(List.of(), report.violations());
    }

    @Property(tries = 500)
    void aSkewBeyondTheBoundIsCaughtByAReadThatOnlyItExplains(@ForAll("seed") long seed,
                                                             @ForAll @IntRange(min = 50, max = 3_000) int skew,
                                                             @ForAll boolean writerAhead) {
        Random random = new Random(seed);
        int writer = writerAhead ? skew : 0;
        int reader = writerAhead ? 0 : skew;
        List<TtlChecker.Probe> probes = probes(random, writer, reader, 40);
        TtlChecker.Report report = TtlChecker.check(probes, 0);
        boolean explainedOnlyBySkew = probes.stream().anyMatch(p -> p.reads().stream().anyMatch(r -> r.present()
                ? r.invokedAt() - p.putReturnedAt() > (p.ttlMillis() + TtlChecker.GRANULARITY_MILLIS + 1) * MS
                : r.invokedAt() >= p.putReturnedAt()
                        && r.returnedAt() - p.putInvokedAt() < (p.ttlMillis() - TtlChecker.GRANULARITY_MILLIS - 1) * MS));
        assertEquals(explainedOnlyBySkew, !report.violations().isEmpty(), report.describe());
        report.violations().forEach(v -> assertEquals(writerAhead ? "late" : "early", v.kind()));
    }

    @Test
    void aPutWithAnUnknownOutcomeConstrainsNothing() {
        TtlChecker.Probe p = new TtlChecker.Probe("k", 100, 0, Operation.NEVER,
                List.of(new TtlChecker.Read(1_000 * MS, 1_001 * MS, true), new TtlChecker.Read(2 * MS, 3 * MS, false)));
        TtlChecker.Report report = TtlChecker.check(List.of(p), 0);
        assertEquals(0, report.probes());
        assertEquals(List.of(), report.violations());
        assertEquals(TtlChecker.NONE, report.latestPresentMillis());
    }

    @Test
    void aKeyReadASecondAfterItsTtlIsLateByThatSecond() {
        TtlChecker.Probe p = new TtlChecker.Probe("k", 500, 0, 10 * MS,
                List.of(new TtlChecker.Read(1_510 * MS, 1_512 * MS, true)));
        TtlChecker.Report report = TtlChecker.check(List.of(p), 200);
        assertEquals(1, report.violations().size());
        assertEquals(1_000 - 200 - TtlChecker.GRANULARITY_MILLIS, report.violations().get(0).byMillis());
        assertEquals(1_000, report.latestPresentMillis());
        assertTrue(report.describe().contains("1 violations"), report.describe());
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Long> seed() {
        return net.jqwik.api.Arbitraries.longs();
    }

    /** Probes answered by the model: ttl 100-2,000 ms, reads every 0-300 ms until 4 s after the put. */
    private static List<TtlChecker.Probe> probes(Random random, int writerSkew, int readerSkew, int count) {
        List<TtlChecker.Probe> probes = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < count; i++) {
            long ttl = 100 + random.nextInt(1_901);
            long putInvoked = now;
            long stampedAt = putInvoked + random.nextInt(20) * MS;
            long putReturned = stampedAt + random.nextInt(20) * MS;
            long expiresAt = stampedAt + writerSkew * MS + ttl * MS; // in the writer's clock, as the log says
            List<TtlChecker.Read> reads = new ArrayList<>();
            long at = putReturned;
            while (at < putReturned + 4_000 * MS) {
                long answeredAt = at + random.nextInt(10) * MS;
                long returned = answeredAt + random.nextInt(10) * MS;
                reads.add(new TtlChecker.Read(at, returned, answeredAt + readerSkew * MS < expiresAt));
                at = returned + random.nextInt(300) * MS;
            }
            probes.add(new TtlChecker.Probe("k" + i, ttl, putInvoked, putReturned, reads));
            now = at;
        }
        return probes;
    }
}
