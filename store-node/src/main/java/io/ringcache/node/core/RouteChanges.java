package io.ringcache.node.core;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * News that a request waiting for a shard's leader may now find it: a newer partition map, a
 * leader change a replica on this store learned of, or a leader here becoming ready to serve. The request path waits for the earlier of its
 * pause and this news ({@link RequestPath}), so a request held through an election (a split's
 * child, a failover) goes on within a millisecond of the news rather than at its next pause,
 * which doubles up to 200 ms (bench/RESULTS.md, "Waking held requests").
 *
 * <p>A waiter names the shard it waits for and the {@link #version} it read before it routed:
 * news that came in between wakes it at once, so none is missed. A map wakes every waiter, a
 * leader change only its shard's (and, through the version, those just registering). A wake that
 * was not for the waiter costs it one early try. Thread-safe: told on Ratis' and gRPC threads,
 * waited on by request threads.
 */
public final class RouteChanges {

    private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

    /** Raised before any waiter is woken, so a waiter registering late sees the news through it. */
    private final AtomicLong version = new AtomicLong();
    /**
     * The waiters of each shard, one future each: completed and dropped by the news for their
     * shard, or dropped by the waiter itself when its pause ran out first ({@link #forget}), so a
     * shard that stays without a leader for long gathers none.
     */
    private final ConcurrentHashMap<Integer, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    /** The count of news so far: read before routing, handed to {@link #next}. */
    public long version() {
        return version.get();
    }

    /**
     * Completes (never exceptionally) at the first news after {@code seenVersion} that may route
     * {@code shardId} anew; already complete when there was some. Completed on the thread that
     * brings the news (a Ratis or gRPC thread): whoever waits hands the work on.
     */
    public CompletableFuture<Void> next(int shardId, long seenVersion) {
        if (version.get() != seenVersion) {
            return NOW;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.computeIfAbsent(shardId, s -> ConcurrentHashMap.newKeySet()).add(f);
        // News between the check and the add may have woken the set before f was in it.
        if (version.get() != seenVersion) {
            forget(shardId, f);
            return NOW;
        }
        return f;
    }

    /** Drops a waiter {@link #next} gave out that no longer waits (its pause ran out). */
    public void forget(int shardId, CompletableFuture<Void> waiter) {
        Set<CompletableFuture<Void>> set = waiting.get(shardId);
        if (set != null) {
            set.remove(waiter);
        }
    }

    /** A newer partition map: every waiter may route differently. */
    public void mapChanged() {
        version.incrementAndGet();
        for (Integer shard : waiting.keySet()) {
            wake(shard);
        }
    }

    /** A replica here learned of a new leader of {@code shardId}, or its leader here became ready. */
    public void leaderChanged(int shardId) {
        version.incrementAndGet();
        wake(shardId);
    }

    /** How many waiters are registered (for tests). */
    int waiters() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    private void wake(int shardId) {
        Set<CompletableFuture<Void>> set = waiting.remove(shardId);
        if (set != null) {
            set.forEach(f -> f.complete(null));
        }
    }
}
