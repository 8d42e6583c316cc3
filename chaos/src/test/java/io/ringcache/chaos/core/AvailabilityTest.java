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
                new Availability.Request(6_000, false, 0),   // election after the kill: in the grace
                new Availability.Request(9_000, true, 0),
                new Availability.Request(10_000, false, 0),
                new Availability.Request(16_000, false, 0),  // just healed: in the grace
                new Availability.Request(19_000, true, 0));
        List<Availability.Window> w = Availability.measure(requests, KILL_N2_FROM_5S_TO_15S, 3_000, 25_000);
        assertEquals(2, w.size());
        assertEquals(new Availability.Window("kill -9 store@n2", 8_000, 15_000, 2, 1), w.get(0));
        assertEquals(new Availability.Window("quiet after kill -9 store@n2", 18_000, 25_000, 1, 1), w.get(1));
    }

    @Test
    void requestsPinnedToTheFaultyNodeDoNotCountWhileItIsFaulty() {
        List<Availability.Request> requests = List.of(new Availability.Request(9_000, false, 2),
                new Availability.Request(9_500, true, 1), new Availability.Request(20_000, true, 2));
        List<Availability.Window> w = Availability.measure(requests, KILL_N2_FROM_5S_TO_15S, 3_000, 25_000);
        assertEquals(1, w.get(0).sent());
        assertEquals(1.0, w.get(0).ratio());
        assertEquals(1, w.get(1).sent());
    }

    @Test
    void requestsPinnedToANodeStillRecoveringAfterItsFaultDoNotCount() {
        // n2's store restarted at 15 s and answered /ready at 21 s: an HTTP client pinned to it was
        // refused until then; SDK requests (pinned to none) always count.
        List<Availability.Request> requests = List.of(new Availability.Request(19_000, false, 2),
                new Availability.Request(20_000, false, 0), new Availability.Request(22_000, true, 2));
        List<Availability.Window> w = Availability.measure(requests, KILL_N2_FROM_5S_TO_15S, 3_000, 25_000,
                List.of(new Availability.Outage(2, 15_000, 21_000)), 0);
        assertEquals(new Availability.Window("quiet after kill -9 store@n2", 18_000, 25_000, 2, 1), w.get(1));
    }

    @Test
    void aRequestInFlightWhenTheNextFaultStrikesItsNodeCountsForThatFault() {
        // n2 is killed 5-15 s, n3 from 25 s; requests wait up to 5 s. At 22 s a request pinned to
        // n3 was still waiting when n3 was killed: not a quiet-gap failure. One pinned to n1 at the
        // same time, and one to n3 sent before 20 s, still count.
        List<NemesisPlan.Step> steps = List.of(new NemesisPlan.Step(5_000, 10_000, new Fault.Kill(2, Fault.Process.STORE)),
                new NemesisPlan.Step(25_000, 5_000, new Fault.Kill(3, Fault.Process.STORE)));
        List<Availability.Request> requests = List.of(new Availability.Request(19_000, false, 3),
                new Availability.Request(22_000, false, 3), new Availability.Request(22_000, true, 1));
        List<Availability.Window> w = Availability.measure(requests, steps, 3_000, 40_000, List.of(), 5_000);
        assertEquals(new Availability.Window("quiet after kill -9 store@n2", 18_000, 25_000, 2, 1), w.get(1));
    }
}
