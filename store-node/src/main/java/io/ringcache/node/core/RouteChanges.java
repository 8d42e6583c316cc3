package io.ringcache.node.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * News that a request waiting for a shard's leader may now find it: a newer partition map, a
 * leader change a replica on this store learned of, or a leader here becoming ready to serve.
 * The request path waits for the earlier of its pause and this news ({@link RequestPath}), so a request held through an election (a split's
 * child, a failover) goes on within a millisecond of the news rather than at its next pause,
 * which doubles up to 200 ms (bench/RESULTS.md, "Waking held requests").
 *
 * <p>A waiter names the shard it waits for and the {@link #version} it read before it routed:
 * news that came in between wakes it at once, so none is missed. A map wakes every waiter, a
 * leader change only its shard's (and, through the version, those just registering). A wake that
 * was not for the waiter costs it one early try. Thread-safe: told on Ratis' and gRPC threads,
 * waited on by request threads; one monitor, held only to register, drop or take waiters (the
 * retry path only, never a request's first try).
 */
public final class RouteChanges {

    private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

    /**
     * The count of news; raised under the monitor together with taking the waiters it wakes, so a
     * waiter either registers before the news (and is taken) or sees the count moved. Volatile
     * for {@link #version}'s reads without the monitor.
     */
    private volatile long version;
    /**
     * The waiters of each shard, one future each (guarded by this): taken and completed by the
     * news for their shard, or dropped by the waiter itself when its pause ran out first
     * ({@link #forget}), so a shard that stays without a leader for long gathers none.
     */
    private final Map<Integer, Set<CompletableFuture<Void>>> waiting = new HashMap<>();

    /** The count of news so far: read before routing, handed to {@link #next}. */
    public long version() {
        return version;
    }

    /**
     * Completes (never exceptionally) at the first news after {@code seenVersion} that may route
     * {@code shardId} anew; already complete when there was some. Completed on the thread that
     * brings the news (a Ratis or gRPC thread): whoever waits hands the work on.
     */
    public synchronized CompletableFuture<Void> next(int shardId, long seenVersion) {
        if (version != seenVersion) {
            return NOW;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.computeIfAbsent(shardId, s -> new HashSet<>()).add(f);
        return f;
    }

    /** Drops a waiter {@link #next} gave out that no longer waits (its pause ran out). */
    public synchronized void forget(int shardId, CompletableFuture<Void> waiter) {
        Set<CompletableFuture<Void>> set = waiting.get(shardId);
        if (set != null && set.remove(waiter) && set.isEmpty()) {
            waiting.remove(shardId);
        }
    }

    /** A newer partition map: every waiter may route differently. */
    public void mapChanged() {
        List<Set<CompletableFuture<Void>>> woken;
        synchronized (this) {
            version++;
            woken = new ArrayList<>(waiting.values());
            waiting.clear();
        }
        // Outside the monitor: completing runs the waiters' continuations.
        woken.forEach(set -> set.forEach(f -> f.complete(null)));
    }

    /** A replica here learned of a new leader of {@code shardId}, or its leader here became ready. */
    public void leaderChanged(int shardId) {
        Set<CompletableFuture<Void>> woken;
        synchronized (this) {
            version++;
            woken = waiting.remove(shardId);
        }
        if (woken != null) {
            woken.forEach(f -> f.complete(null));
        }
    }

    /** How many waiters are registered (for tests). */
    synchronized int waiters() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }
}
