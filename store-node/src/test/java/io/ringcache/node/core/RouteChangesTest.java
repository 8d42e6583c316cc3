package io.ringcache.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RouteChangesTest {

    private final RouteChanges changes = new RouteChanges();

    @Test
    void aLeaderChangeWakesOnlyItsShardsWaiters() {
        long seen = changes.version();
        CompletableFuture<Void> zero = changes.next(0, seen);
        CompletableFuture<Void> one = changes.next(1, seen);
        changes.leaderChanged(0);
        assertTrue(zero.isDone());
        assertFalse(one.isDone());
        assertEquals(1, changes.waiters());
    }

    @Test
    void aMapWakesEveryWaiter() {
        long seen = changes.version();
        CompletableFuture<Void> zero = changes.next(0, seen);
        CompletableFuture<Void> one = changes.next(1, seen);
        changes.mapChanged();
        assertTrue(zero.isDone() && one.isDone());
        assertEquals(0, changes.waiters());
    }

    @Test
    void newsBetweenRoutingAndWaitingIsNotMissed() {
        long seen = changes.version();
        changes.leaderChanged(5); // another shard's news, after the request routed
        assertTrue(changes.next(0, seen).isDone(), "the request may route anew: it tries again at once");
        assertEquals(0, changes.waiters());
        assertFalse(changes.next(0, changes.version()).isDone());
    }

    @Test
    void aWaiterWhosePauseRanOutLeavesNothingBehind() {
        long seen = changes.version();
        for (int i = 0; i < 1_000; i++) {
            changes.forget(3, changes.next(3, seen));
        }
        assertEquals(0, changes.waiters(), "a shard without a leader for long gathers no waiters");
        changes.forget(3, changes.next(3, seen - 1)); // an already complete answer is forgotten harmlessly
    }
}
