package io.ringcache.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    void noWaiterMissesNewsThatCameWhileItRegistered() throws Exception {
        // Waiters register on four shards while news for single shards and maps comes in; every
        // waiter whose shard had news after the version it read must be woken by that news.
        record Waiter(int shard, long seen, CompletableFuture<Void> woken) {
        }
        int shards = 4;
        java.util.List<Waiter> waiters = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.List<Integer> news = new java.util.ArrayList<>(); // the k-th news (version k): a shard, or -1 for a map
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int seed = t;
            threads.add(new Thread(() -> {
                java.util.Random random = new java.util.Random(seed);
                while (!done.get()) {
                    int shard = random.nextInt(shards);
                    long seen = changes.version();
                    CompletableFuture<Void> f = changes.next(shard, seen);
                    if (random.nextInt(4) == 0) {
                        changes.forget(shard, f); // its pause ran out: no claim on later news
                    } else {
                        waiters.add(new Waiter(shard, seen, f));
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        java.util.Random random = new java.util.Random(42);
        for (int k = 1; k <= 20_000; k++) {
            int shard = random.nextInt(shards + 1) - 1;
            if (shard < 0) {
                changes.mapChanged();
            } else {
                changes.leaderChanged(shard);
            }
            news.add(shard);
            assertEquals(k, changes.version());
        }
        done.set(true);
        for (Thread t : threads) {
            t.join();
        }
        int checked = 0;
        for (Waiter w : List.copyOf(waiters)) {
            boolean hadNews = false;
            for (long v = w.seen() + 1; v <= news.size() && !hadNews; v++) {
                int n = news.get((int) v - 1);
                hadNews = n < 0 || n == w.shard();
            }
            if (hadNews) {
                checked++;
                assertTrue(w.woken().isDone(), "a waiter on shard " + w.shard() + " from version " + w.seen());
            }
        }
        assertTrue(checked > 1_000, "the run interleaved waiters and news: " + checked);
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
