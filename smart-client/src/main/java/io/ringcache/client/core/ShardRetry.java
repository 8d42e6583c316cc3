package io.ringcache.client.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.IntUnaryOperator;

/**
 * The retry decisions of one shard-scoped call, as a pure state machine: where each attempt
 * goes, and what a failure leads to. The adapter carries the decisions out (sends, waits,
 * refreshes the map) and reports back; time comes in as arguments, randomness through the
 * suppliers, so a seeded simulation replays any run.
 *
 * <ul>
 *   <li>NotLeader naming another leader: try it at once, up to {@link #QUICK_HOPS} times in a row.</li>
 *   <li>NotLeader naming none (an election), Unavailable, TimedOut: back off (exponential, full
 *       jitter, never past the deadline), refresh the map, and try another replica with
 *       {@code forward} set, so any live replica can proxy to the leader meanwhile.</li>
 *   <li>StaleEpoch: refresh the map, then try again.</li>
 *   <li>KeyMoved (a split the map does not show yet): back off while the map refreshes, then
 *       try again with {@code forward} set, and from then on {@code alone}: the call's writes go
 *       in a request of their own, not coalesced with other callers'. A split's parent refuses a
 *       coalesced part whole when one of its keys moved, so a write of a key that stayed would
 *       otherwise be refused with every retry that shares a batch with a moved key, until the
 *       map shows the split (bench/RESULTS.md: such writes waited up to 630 ms).</li>
 *   <li>After a StaleEpoch or KeyMoved, every later wait of the call is short (at most
 *       {@link #SPLIT_WAIT_MAX_MILLIS}): the shard is splitting or moving, its new group elects a
 *       leader within about a second, and the call should find it within a poll of that, not up
 *       to a second later as the election backoff would.</li>
 *   <li>Rejected: fail at once. The deadline: fail with the last informative failure.</li>
 * </ul>
 */
public final class ShardRetry {

    /** NotLeader answers followed at once before backing off (a leader change takes a round or two). */
    public static final int QUICK_HOPS = 3;

    /**
     * The longest wait between attempts once the call met a split or a map change. A split's child
     * gets its first leader 1-2 s after the split (bench/RESULTS.md); polling every 100 ms or less
     * meanwhile costs a write at most ten attempts a second, and etcd's client polls every 25 ms.
     */
    public static final long SPLIT_WAIT_MAX_MILLIS = 100;

    /** What to do next. */
    public sealed interface Decision {
        /**
         * Send an attempt to {@code address}, with {@code forward} set when it may not lead, and
         * {@code alone} when its writes must not share a request with other calls' (after a KeyMoved).
         */
        record Send(String address, boolean forward, boolean alone) implements Decision {
        }

        /** Wait {@code millis}, refreshing the map meanwhile, then ask {@link #next} again. */
        record Wait(long millis) implements Decision {
        }

        /**
         * Refresh the map to at least epoch {@code atLeastEpoch} (the store's, which is newer), then
         * ask {@link #next} again.
         */
        record Refresh(long atLeastEpoch) implements Decision {
        }

        /** Tell the route table that {@code storeId} at {@code address} leads the shard, then ask {@link #next} again. */
        record FollowHint(String storeId, String address) implements Decision {
        }

        /** Stop: {@code failure} is the answer; {@code timedOut} when the deadline ended the call. */
        record Fail(Failure failure, boolean timedOut) implements Decision {
        }
    }

    private final int shardId;
    private final boolean leaderOnly;
    private final long deadlineNanos;
    private final Backoff backoff;
    private final Backoff splitBackoff;
    private boolean mapChanging;
    private final IntUnaryOperator pickIndex;
    private final Set<String> avoid = new HashSet<>();
    private Failure last;
    private boolean forward;
    private boolean alone;
    private int attempts;
    private int quickHops;

    /**
     * @param leaderOnly writes and linearizable reads (else any replica may serve)
     * @param random     jitter for the backoff, in [0, 1)
     * @param pickIndex  chooses among {@code n} candidate replicas: given n, an index in [0, n)
     */
    public ShardRetry(int shardId, boolean leaderOnly, long deadlineNanos, DoubleSupplier random, IntUnaryOperator pickIndex) {
        this.shardId = shardId;
        this.leaderOnly = leaderOnly;
        this.deadlineNanos = deadlineNanos;
        this.backoff = new Backoff(20, 1_000, random);
        this.splitBackoff = new Backoff(5, SPLIT_WAIT_MAX_MILLIS, random);
        this.pickIndex = pickIndex;
    }

    /** The next step at {@code now}: a send, a wait for a route, or the end at the deadline. */
    public Decision next(RouteTable table, long nowNanos) {
        if (nowNanos >= deadlineNanos) {
            return new Decision.Fail(last, true);
        }
        String address = table == null ? null : pick(table);
        if (address == null) {
            if (last == null) {
                last = new Failure.Unavailable(shardId, "no known replica of shard " + shardId);
            }
            return waitAt(nowNanos);
        }
        attempts++;
        return new Decision.Send(address, forward, alone);
    }

    /** The reaction to an attempt at {@code address} failing with {@code f}. */
    public Decision failed(String address, Failure f, long nowNanos) {
        // An attempt cut short by the call's own deadline says less than the failure before it.
        if (!(f instanceof Failure.TimedOut && last != null)) {
            last = f;
        }
        if (!f.retryable()) {
            return new Decision.Fail(f, false);
        }
        if (f instanceof Failure.NotLeader n) {
            if (!n.leaderAddress().isEmpty() && !n.leaderAddress().equals(address) && quickHops++ < QUICK_HOPS) {
                forward = false;
                return new Decision.FollowHint(n.leaderStoreId(), n.leaderAddress());
            }
        } else if (f instanceof Failure.StaleEpoch stale) {
            mapChanging = true;
            return new Decision.Refresh(stale.currentEpoch());
        } else if (f instanceof Failure.KeyMoved) {
            mapChanging = true;
            // The store is fine; the map is behind a split. Wait for it (the wait refreshes it),
            // and let the store forward the retry to whichever shard holds the key now. Alone: the
            // batch may have been refused only for another caller's moved key.
            forward = true;
            alone = true;
            return waitAt(nowNanos);
        }
        // No (new) leader named, or the store is unreachable or without a leader: elsewhere, later.
        avoid.add(address);
        forward = true;
        return waitAt(nowNanos);
    }

    public int attempts() {
        return attempts;
    }

    /** The failure the call would report now (null before any). */
    public Failure last() {
        return last;
    }

    private Decision waitAt(long nowNanos) {
        long remainingMillis = Math.max(0, (deadlineNanos - nowNanos) / 1_000_000);
        return new Decision.Wait((mapChanging ? splitBackoff : backoff).delayMillis(attempts, remainingMillis));
    }

    private String pick(RouteTable table) {
        List<String> replicas = table.replicaAddresses(shardId);
        if (leaderOnly && !forward) {
            return table.leaderAddress(shardId).orElse(replicas.isEmpty() ? null : replicas.get(0));
        }
        List<String> fresh = new ArrayList<>();
        for (String r : replicas) {
            if (!avoid.contains(r)) {
                fresh.add(r);
            }
        }
        if (fresh.isEmpty()) {
            avoid.clear();
            fresh = replicas;
        }
        if (fresh.isEmpty()) {
            return null;
        }
        return fresh.get(pickIndex.applyAsInt(fresh.size()));
    }
}
