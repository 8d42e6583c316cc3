package io.ringcache.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.routing.TokenPlanner;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResendPolicyTest {

    private static final Failure NOT_LEADER = new Failure.NotLeader(0, "b", "b:1");
    private static final Failure STALE = new Failure.StaleEpoch(1, 2);

    @Test
    void unknownOutcomesAreAmbiguousRefusalsOnlyAfterAnAmbiguousAttempt() {
        assertFalse(ResendPolicy.ambiguous(Arrays.asList(null, null), false), "all applied");
        assertTrue(ResendPolicy.ambiguous(Arrays.asList(null, new Failure.Unavailable(0, "no leader")), false));
        assertTrue(ResendPolicy.ambiguous(List.of(new Failure.TimedOut(0, "DEADLINE_EXCEEDED")), false));
        assertFalse(ResendPolicy.ambiguous(List.of(NOT_LEADER, STALE), false), "refused unsent: route afresh");
        assertTrue(ResendPolicy.ambiguous(List.of(NOT_LEADER), true), "may have applied on a leader that moved");
        assertTrue(ResendPolicy.ambiguous(List.of(STALE), true));
        assertFalse(ResendPolicy.ambiguous(List.of(new Failure.Rejected(Failure.Kind.VALUE_TOO_LARGE, 0, "big")), true));
    }

    @Test
    void aNotLeaderAfterTheWriteWasProposedIsAmbiguousFromTheFirstAttempt() {
        Failure lostLeadership = new Failure.NotLeader(0, "b", "b:1", true);
        assertTrue(ResendPolicy.ambiguous(List.of(lostLeadership), false),
                "the next leader may commit it: only the same sequence may follow");
        assertTrue(ResendPolicy.ambiguous(Arrays.asList(null, lostLeadership), false));
    }

    @Test
    void theFirstStoreOnceMoreThenTheOtherLiveStoresInTurn() {
        RouteTable t = new RouteTable(1, TokenPlanner.initial(new int[] {0}), Map.of(),
                Map.of("a", new RouteTable.StoreRoute("a", "a:1", true), "b", new RouteTable.StoreRoute("b", "b:1", true),
                        "c", new RouteTable.StoreRoute("c", "c:1", true), "d", new RouteTable.StoreRoute("d", "d:1", false)));
        assertEquals("a:1", ResendPolicy.nextStore(t, "a:1", 1));
        assertEquals("b:1", ResendPolicy.nextStore(t, "a:1", 2));
        assertEquals("c:1", ResendPolicy.nextStore(t, "a:1", 3));
        assertEquals("b:1", ResendPolicy.nextStore(t, "a:1", 4), "d is down");
    }
}
