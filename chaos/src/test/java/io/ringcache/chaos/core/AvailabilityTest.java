package io.ringcache.chaos.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AvailabilityTest {

    private static final List<NemesisPlan.Step> KILL_N2_FROM_5S_TO_15S =
            List.of(new NemesisPlan.Step(5_000, 10_000, new Fault.Kill(2, Fault.Process.STORE)));

    @Test
    void theGraceAfterAFaultBeginsAndEndsIsNotCounted() {
        List<Availability.Request> requests = List.of(
                new Availability.Request(6_000, 6100, false, 0),   // election after the kill: in the grace
                new Availability.Request(9_000, 9100, true, 0),
                new Availability.Request(10_000, 10100, false, 0),
                new Availability.Request(16_000, 16100, false, 0),  // just healed: in the grace
                new Availability.Request(19_000, 19100, true, 0));
        List<Availability.Window> w = Availability.measure(requests, KILL_N2_FROM_5S_TO_15S, 3_000, 25_000);
        assertEquals(2, w.size());
        assertEquals(new Availability.Window("kill -9 store@n2", 8_000, 15_000, 2, 1), w.get(0));
        assertEquals(new Availability.Window("quiet after kill -9 store@n2", 18_000, 25_000, 1, 1), w.get(1));
    }

    @Test
    void requestsPinnedToTheFaultyNodeDoNotCountWhileItIsFaulty() {
        List<Availability.Request> requests = List.of(new Availability.Request(9_000, 9100, false, 2),
                new Availability.Request(9_500, 9600, true, 1), new Availability.Request(20_000, 20100, true, 2));
        List<Availability.Window> w = Availability.measure(requests, KILL_N2_FROM_5S_TO_15S, 3_000, 25_000);
        assertEquals(1, w.get(0).sent());
        assertEquals(1.0, w.get(0).ratio());
        assertEquals(1, w.get(1).sent());
    }

    @Test
    void requestsPinnedToANodeStillRecoveringAfterItsFaultDoNotCount() {
        // n2's store restarted at 15 s and answered /ready at 21 s: an HTTP client pinned to it was
        // refused until then; SDK requests (pinned to none) always count.
        List<Availability.Request> requests = List.of(new Availability.Request(19_000, 19100, false, 2),
                new Availability.Request(20_000, 20100, false, 0), new Availability.Request(22_000, 22100, true, 2));
        List<Availability.Window> w = Availability.measure(requests, KILL_N2_FROM_5S_TO_15S, 3_000, 25_000,
                List.of(new Availability.Outage(2, 15_000, 21_000)));
        assertEquals(new Availability.Window("quiet after kill -9 store@n2", 18_000, 25_000, 2, 1), w.get(1));
    }

    @Test
    void aRequestInFlightWhenTheNextFaultStrikesCountsForThatFaultNotTheQuietBeforeIt() {
        // n2 is killed 5-15 s, n3 from 25 s. A request pinned to n3 sent at 22 s was still waiting
        // when n3 was killed and failed at 27 s: not a quiet-gap failure. One pinned to n1 sent at
        // 22 s and answered at once, and one to n3 that failed at 19.1 s, before the strike, count.
        List<NemesisPlan.Step> steps = List.of(new NemesisPlan.Step(5_000, 10_000, new Fault.Kill(2, Fault.Process.STORE)),
                new NemesisPlan.Step(25_000, 5_000, new Fault.Kill(3, Fault.Process.STORE)));
        List<Availability.Request> requests = List.of(new Availability.Request(19_000, 19_100, false, 3),
                new Availability.Request(22_000, 27_000, false, 3), new Availability.Request(22_000, 22_100, true, 1));
        List<Availability.Window> w = Availability.measure(requests, steps, 3_000, 40_000);
        assertEquals(new Availability.Window("quiet after kill -9 store@n2", 18_000, 25_000, 2, 1), w.get(1));
    }

    @Test
    void soDoesOneInFlightWhenAPartitionStrikesThoughAPartitionNamesNoFaultyNode() {
        // A partition from 25 s. An SDK request sent at 23 s that timed out at 28 s, and one sent
        // at 24.5 s and answered at 25.5 s, were in flight when it struck: they count for neither
        // window. One that failed at 24 s failed in the quiet and counts, as does an answer at 20.2 s.
        Fault.Partition cut = new Fault.Partition("isolate-n1", java.util.Set.of(new Fault.Link(1, 2), new Fault.Link(2, 1)));
        List<NemesisPlan.Step> steps = List.of(new NemesisPlan.Step(5_000, 10_000, new Fault.Kill(2, Fault.Process.STORE)),
                new NemesisPlan.Step(25_000, 5_000, cut));
        List<Availability.Request> requests = List.of(new Availability.Request(23_000, 28_000, false, 0),
                new Availability.Request(22_000, 24_000, false, 0), new Availability.Request(24_500, 25_500, true, 0),
                new Availability.Request(20_000, 20_200, true, 2));
        List<Availability.Window> w = Availability.measure(requests, steps, 3_000, 40_000);
        assertEquals(new Availability.Window("quiet after kill -9 store@n2", 18_000, 25_000, 2, 1), w.get(1));
        // The last quiet gap runs to the end of the run: nothing strikes after it.
        assertEquals(new Availability.Window("quiet after " + cut.describe(), 33_000, 40_000, 0, 0), w.get(3));
    }

    @Test
    void aRequestCannotEndBeforeItWasSent() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Availability.Request(2_000, 1_999, true, 0));
    }
}
