package io.ringcache.client.core;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.routing.TokenPlanner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How long {@link ShardRetry} waits: the election backoff, and the short polls once a split is under way. */
class ShardRetryWaitTest {

    private static final long NOW = 0;
    private static final long DEADLINE = 30_000_000_000L;
    private static final RouteTable TABLE = new RouteTable(1, TokenPlanner.initial(new int[] {0}),
            Map.of(0, new RouteTable.ShardRoute(0, List.of("a"), "a")),
            Map.of("a", new RouteTable.StoreRoute("a", "a:1", true)));

    @Test
    void electionWaitsGrowTowardsASecond() {
        ShardRetry retry = new ShardRetry(0, true, DEADLINE, () -> 0.999, n -> 0);
        long longest = 0;
        for (int i = 0; i < 10; i++) {
            assertInstanceOf(ShardRetry.Decision.Send.class, retry.next(TABLE, NOW));
            ShardRetry.Decision d = retry.failed("a:1", new Failure.NotLeader(0, "", "", false), NOW);
            longest = Math.max(longest, assertInstanceOf(ShardRetry.Decision.Wait.class, d).millis());
        }
        assertTrue(longest > ShardRetry.SPLIT_WAIT_MAX_MILLIS, "waited at most " + longest + " ms");
    }

    @Test
    void afterAKeyMovedEveryWaitIsAShortPoll() {
        ShardRetry retry = new ShardRetry(0, true, DEADLINE, () -> 0.999, n -> 0);
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(ShardRetry.Decision.Send.class, retry.next(TABLE, NOW));
            retry.failed("a:1", new Failure.Unavailable(0, "no leader"), NOW);
        }
        retry.failed("a:1", new Failure.KeyMoved(0, "split"), NOW);
        for (int i = 0; i < 20; i++) {
            assertInstanceOf(ShardRetry.Decision.Send.class, retry.next(TABLE, NOW));
            ShardRetry.Decision d = retry.failed("b:1", new Failure.NotLeader(1, "", "", false), NOW);
            long waited = assertInstanceOf(ShardRetry.Decision.Wait.class, d).millis();
            assertTrue(waited <= ShardRetry.SPLIT_WAIT_MAX_MILLIS, "waited " + waited + " ms");
        }
    }

    @Test
    void afterAKeyMovedTheCallsWritesGoAloneAndForwarded() {
        ShardRetry retry = new ShardRetry(0, true, DEADLINE, () -> 0.5, n -> 0);
        ShardRetry.Decision.Send first = assertInstanceOf(ShardRetry.Decision.Send.class, retry.next(TABLE, NOW));
        assertTrue(!first.alone() && !first.forward(), first.toString());
        retry.failed("a:1", new Failure.NotLeader(0, "", "", false), NOW);
        assertTrue(!assertInstanceOf(ShardRetry.Decision.Send.class, retry.next(TABLE, NOW)).alone(), "an election is no split");
        retry.failed("a:1", new Failure.KeyMoved(0, "split"), NOW);
        for (int i = 0; i < 5; i++) {
            ShardRetry.Decision.Send s = assertInstanceOf(ShardRetry.Decision.Send.class, retry.next(TABLE, NOW));
            assertTrue(s.alone() && s.forward(), "after a KeyMoved, every attempt of the call: " + s);
            retry.failed("a:1", new Failure.Unavailable(0, "electing"), NOW);
        }
    }

    @Test
    void afterAStaleEpochEveryWaitIsAShortPoll() {
        ShardRetry retry = new ShardRetry(0, true, DEADLINE, () -> 0.999, n -> 0);
        retry.failed("a:1", new Failure.StaleEpoch(3, 4), NOW);
        for (int i = 0; i < 20; i++) {
            assertInstanceOf(ShardRetry.Decision.Send.class, retry.next(TABLE, NOW));
            ShardRetry.Decision d = retry.failed("a:1", new Failure.Unavailable(0, "electing"), NOW);
            assertTrue(assertInstanceOf(ShardRetry.Decision.Wait.class, d).millis() <= ShardRetry.SPLIT_WAIT_MAX_MILLIS);
        }
    }
}
