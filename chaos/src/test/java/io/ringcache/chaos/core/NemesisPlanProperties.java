package io.ringcache.chaos.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** A run's schedule is a function of its seed, and it never takes a majority of any shard away. */
class NemesisPlanProperties {

    @Property(tries = 300)
    void theSameSeedGivesTheSameSchedule(@ForAll long seed, @ForAll @IntRange(min = 3, max = 7) int nodes,
                                         @ForAll @LongRange(min = 10_000, max = 600_000) long total) {
        Set<NemesisPlan.Kind> all = EnumSet.allOf(NemesisPlan.Kind.class);
        assertEquals(NemesisPlan.draw(seed, nodes, total, all), NemesisPlan.draw(seed, nodes, total, all));
    }

    @Property(tries = 300)
    void withoutFsyncFaultsTheDiskNemesisFillsTheSameNodesAtTheSameTimes(@ForAll long seed,
                                                                       @ForAll @IntRange(min = 3, max = 7) int nodes) {
        List<NemesisPlan.Step> plan = NemesisPlan.draw(seed, nodes, 600_000, NemesisPlan.Kind.ALL);
        List<NemesisPlan.Step> without = NemesisPlan.withoutFsyncFaults(plan);
        assertEquals(plan.size(), without.size());
        for (int i = 0; i < plan.size(); i++) {
            NemesisPlan.Step a = plan.get(i);
            NemesisPlan.Step b = without.get(i);
            assertEquals(a.startMillis(), b.startMillis());
            assertEquals(a.durationMillis(), b.durationMillis());
            if (a.fault() instanceof Fault.FsyncFails f) {
                assertEquals(new Fault.DiskFull(f.node()), b.fault());
            } else {
                assertEquals(a.fault(), b.fault());
            }
        }
    }

    @Property(tries = 300)
    void faultsDoNotOverlapFitTheRunAndLeaveAGapAfterEach(@ForAll long seed, @ForAll @IntRange(min = 3, max = 7) int nodes,
                                                         @ForAll @LongRange(min = 10_000, max = 600_000) long total) {
        List<NemesisPlan.Step> steps = NemesisPlan.draw(seed, nodes, total, EnumSet.allOf(NemesisPlan.Kind.class));
        long previousEnd = 0;
        for (NemesisPlan.Step step : steps) {
            assertTrue(step.startMillis() >= previousEnd + NemesisPlan.MIN_QUIET_MILLIS, "a quiet gap before " + step);
            assertTrue(step.durationMillis() >= NemesisPlan.MIN_FAULT_MILLIS && step.durationMillis() <= NemesisPlan.MAX_FAULT_MILLIS);
            assertTrue(step.endMillis() <= total, step + " ends within the run of " + total + " ms");
            assertTrue(step.fault().faultyNodes().size() <= (nodes - 1) / 2, "a minority at most is faulty: " + step);
            previousEnd = step.endMillis();
        }
    }

    @Property(tries = 300)
    void movesAndDrainsAreDrawnOnlyWhenAStoreCanTakeAReplica(@ForAll long seed, @ForAll @IntRange(min = 3, max = 7) int nodes) {
        for (NemesisPlan.Step step : NemesisPlan.draw(seed, nodes, 600_000, EnumSet.of(NemesisPlan.Kind.PLACEMENT))) {
            boolean needsAFreeStore = step.fault() instanceof Fault.ReplicaMove || step.fault() instanceof Fault.Drain;
            assertTrue(nodes > 3 || !needsAFreeStore, step + " on " + nodes + " nodes");
            assertTrue(step.fault().faultyNodes().isEmpty(), "placement makes no node faulty: " + step);
        }
    }

    @Property(tries = 200)
    void isolatingTheBusiestLeaderCutsItsNodeFromEveryOtherBothWays(@ForAll @IntRange(min = 3, max = 9) int nodes,
                                                                   @ForAll @IntRange(min = 1, max = 9) int node) {
        net.jqwik.api.Assume.that(node <= nodes);
        Set<Fault.Link> links = new Fault.IsolateLeader(nodes).isolating(node);
        assertEquals(2 * (nodes - 1), links.size());
        assertTrue(links.stream().allMatch(l -> (l.from() == node) != (l.to() == node) && l.from() <= nodes && l.to() <= nodes));
    }

    @Test
    void partitionsIncludeIsolatingTheBusiestLeader() {
        Set<Class<?>> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            NemesisPlan.draw(seed, 3, 600_000, EnumSet.of(NemesisPlan.Kind.PARTITION)).forEach(s -> seen.add(s.fault().getClass()));
        }
        assertEquals(Set.of(Fault.Partition.class, Fault.IsolateLeader.class), seen);
    }

    @Property(tries = 200)
    void latencyDelaysOneNodesLinksByTwentyToTwoHundredMillisJitteredByAtMostHalf(@ForAll long seed,
                                                                                @ForAll @IntRange(min = 3, max = 7) int nodes) {
        for (NemesisPlan.Step step : NemesisPlan.draw(seed, nodes, 300_000, EnumSet.of(NemesisPlan.Kind.LATENCY))) {
            Fault.Latency l = (Fault.Latency) step.fault();
            assertTrue(l.node() >= 1 && l.node() <= nodes, l.describe());
            assertTrue(l.delayMillis() >= 20 && l.delayMillis() <= 200 && l.jitterMillis() <= l.delayMillis() / 2, l.describe());
            assertTrue(l.faultyNodes().isEmpty(), "latency makes no node faulty: " + l.describe());
        }
    }

    @Test
    void ioFaultsFailTheReadsTheWritesOrBothOfOneNodesDiskTearAWriteOrShortenWrites() {
        Set<String> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            for (NemesisPlan.Step step : NemesisPlan.draw(seed, 3, 90_000, EnumSet.of(NemesisPlan.Kind.IO))) {
                if (step.fault() instanceof Fault.IoErrors io) {
                    seen.add((io.writes() ? "w" : "") + (io.reads() ? "r" : ""));
                    assertEquals(Set.of(io.node()), io.faultyNodes(), io.describe());
                } else if (step.fault() instanceof Fault.TornWrite t) {
                    seen.add("torn");
                    assertEquals(Set.of(t.node()), t.faultyNodes(), t.describe());
                } else {
                    Fault.ShortWrites sw = (Fault.ShortWrites) step.fault();
                    seen.add("short");
                    assertEquals(Set.of(), sw.faultyNodes(), "a disk taking short writes leaves its store serving: " + sw.describe());
                }
            }
        }
        assertEquals(Set.of("w", "r", "wr", "torn", "short"), seen);
    }

    @Test
    void diskFaultsAreAFullDiskOrFailingFsyncsOfOneNode() {
        Set<Class<?>> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            for (NemesisPlan.Step step : NemesisPlan.draw(seed, 3, 90_000, EnumSet.of(NemesisPlan.Kind.DISK))) {
                seen.add(step.fault().getClass());
                assertEquals(1, step.fault().faultyNodes().size(), step.fault().describe());
            }
        }
        assertEquals(Set.of(Fault.DiskFull.class, Fault.FsyncFails.class), seen);
    }

    @Test
    void withClockFaultsTheDiskFillsOrFailsItsFsyncsToo() {
        Set<Class<?>> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            for (NemesisPlan.Step step : NemesisPlan.draw(seed, 3, 90_000, EnumSet.of(NemesisPlan.Kind.DISK, NemesisPlan.Kind.CLOCK))) {
                seen.add(step.fault().getClass());
            }
        }
        assertTrue(seen.containsAll(Set.of(Fault.DiskFull.class, Fault.FsyncFails.class)), seen.toString());
    }

    @Property(tries = 300)
    void leaseClocksRunSlowBetweenHalfAndAllOfTheirBound(@ForAll long seed,
                                                         @ForAll @net.jqwik.api.constraints.DoubleRange(min = 0.01, max = 0.99) double max) {
        boolean slowed = false;
        for (NemesisPlan.Step step : NemesisPlan.draw(seed, 3, 600_000, EnumSet.of(NemesisPlan.Kind.CLOCK), 2_000, max)) {
            if (step.fault() instanceof Fault.SlowLeaseClock c) {
                slowed = true;
                assertTrue(c.rate() >= 1 - max && c.rate() <= 1 - max / 2, c.rate() + " within [" + (1 - max) + ", " + (1 - max / 2) + "]");
                assertTrue(c.faultyNodes().isEmpty(), "like a partition it names no faulty node");
            }
        }
        assertTrue(slowed, "ten minutes of clock faults include a slow lease clock");
    }

    @Test
    void everyPlacementChangeIsDrawnOnFourNodes() {
        Set<Class<?>> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            NemesisPlan.draw(seed, 4, 600_000, EnumSet.of(NemesisPlan.Kind.PLACEMENT)).forEach(s -> seen.add(s.fault().getClass()));
        }
        assertEquals(Set.of(Fault.LeaderChurn.class, Fault.KillPdLeader.class, Fault.Split.class, Fault.ReplicaMove.class,
                Fault.Drain.class), seen);
    }

    @Property(tries = 300)
    void clockJumpsStayWithinTheirBoundAndAreNeverTiny(@ForAll long seed, @ForAll @LongRange(min = 4, max = 60_000) long max) {
        for (NemesisPlan.Step step : NemesisPlan.draw(seed, 3, 300_000, EnumSet.of(NemesisPlan.Kind.CLOCK), max)) {
            if (!(step.fault() instanceof Fault.ClockJump j)) {
                continue;
            }
            long jump = Math.abs(j.offsetMillis());
            assertTrue(jump >= max / 4 && jump <= max, jump + " ms within [" + max / 4 + ", " + max + "]");
        }
    }

    @Property(tries = 500)
    void partitionsOnlyNameNodesOfTheClusterAndCutSomething(@ForAll long seed, @ForAll @IntRange(min = 3, max = 9) int nodes) {
        Fault.Partition p = NemesisPlan.partition(nodes, new Random(seed));
        assertFalse(p.blocked().isEmpty());
        p.blocked().forEach(l -> assertTrue(l.from() <= nodes && l.to() <= nodes, l + " within " + nodes + " nodes"));
    }

    @Test
    void inAMajorityRingOfFiveEachNodeSeesAMajorityButNoTwoTheSame() {
        Fault.Partition ring = null;
        for (long seed = 0; ring == null; seed++) {
            Fault.Partition p = NemesisPlan.partition(5, new Random(seed));
            ring = p.shape().equals("majority-ring") ? p : null;
        }
        Set<Set<Integer>> views = new java.util.HashSet<>();
        for (int a = 1; a <= 5; a++) {
            Set<Integer> hears = new java.util.TreeSet<>(Set.of(a));
            for (int b = 1; b <= 5; b++) {
                if (b != a && !ring.blocked().contains(new Fault.Link(b, a))) {
                    hears.add(b);
                }
            }
            assertEquals(3, hears.size(), "node " + a + " hears itself and two neighbours");
            views.add(hears);
        }
        assertEquals(5, views.size());
    }

    @Test
    void kindsParseFromTheirNamesAndAnUnknownNameIsNamed() {
        assertEquals(EnumSet.of(NemesisPlan.Kind.PARTITION, NemesisPlan.Kind.KILL), NemesisPlan.Kind.parse("partition, kill"));
        assertEquals(EnumSet.complementOf(EnumSet.of(NemesisPlan.Kind.IO)), NemesisPlan.Kind.parse("all"));
        assertEquals(EnumSet.of(NemesisPlan.Kind.IO), NemesisPlan.Kind.parse("io"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NemesisPlan.Kind.parse("partition,flood"));
        assertTrue(e.getMessage().contains("'flood'"), e.getMessage());
    }
}
