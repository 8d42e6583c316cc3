package io.ringcache.shard.core;

/**
 * Whether a shard's leader may answer a linearizable read from its own applied state with no
 * round trip: ringcache's leader lease, one per shard replica. Pure: callers pass monotonic time
 * in nanoseconds and the Raft term.
 *
 * <p><b>Why a lease read is linearizable.</b> A lease is granted only by a read barrier (an
 * empty entry) that this replica proposed at monotonic time {@code p} in term {@code t} and that
 * then committed: a majority of voters accepted an entry from this leader after {@code p}. A voter
 * that heard from its leader within the minimum election timeout refuses pre-votes, and a
 * candidate whose pre-vote fails does not stand (Ratis' pre-vote, set on by {@code RatisTuning}),
 * so no normal election can make another replica leader before {@code p + electionTimeoutMin} on
 * those voters' clocks. The lease lasts until {@code p + duration} with {@code duration} below
 * that (90% of it: the margin for clocks that run at different rates), and only in term {@code t}.
 * Until then every write acknowledged anywhere was committed and applied by this leader, so its
 * applied state holds it. The two ways around pre-vote are closed by the callers:
 * <ul>
 *   <li>a <b>leader transfer</b> elects its target without a pre-vote: {@link #suspend()} before any
 *       transfer starts from this replica, {@link #resume} after it ends, and no barrier proposed
 *       before the resume's quiet period is over grants a lease (tickets, {@link #ticket()});</li>
 *   <li>a voter that <b>crashes and restarts</b> forgets its leader and grants pre-votes at once: a
 *       store does not start Raft before its process has run for the minimum election timeout.</li>
 * </ul>
 * Wall-clock jumps do not move a lease (monotonic time only); a leader whose clock runs more than
 * 10% slower than its voters' could outlive its lease.
 *
 * <p>Thread-safety: {@link #validAt} and {@link #wantsRenewal} read one volatile grant and take no
 * lock (the read path); the rest is synchronized.
 */
public final class LeaderReadLease {

    /** A lease in force: in {@code term}, until monotonic time {@code untilNanos}. */
    private record Grant(long term, long untilNanos) {
    }

    private static final Grant NONE = new Grant(Long.MIN_VALUE, Long.MIN_VALUE);

    private final long durationNanos;
    private volatile Grant grant = NONE;
    private volatile int suspensions;
    private long epoch;
    private boolean quietPeriod;
    private long quietUntilNanos;

    /** @param durationNanos how long a committed barrier grants, from its proposal */
    public LeaderReadLease(long durationNanos) {
        if (durationNanos <= 0) {
            throw new IllegalArgumentException("lease duration " + durationNanos + " ns");
        }
        this.durationNanos = durationNanos;
    }

    /** Taken just before a barrier is proposed; {@link #renew} honours only a ticket no suspension has overtaken. */
    public synchronized long ticket() {
        return epoch;
    }

    /**
     * The barrier proposed at {@code proposedAtNanos} in {@code term}, with {@code ticket}, has
     * committed and been applied here. Ignored while suspended, when a suspension began or ended
     * since the ticket was taken, or when it was proposed within a resume's quiet period.
     */
    public synchronized void renew(long ticket, long term, long proposedAtNanos) {
        if (suspensions > 0 || ticket != epoch || quietPeriod && proposedAtNanos - quietUntilNanos < 0) {
            return;
        }
        long until = proposedAtNanos + durationNanos;
        Grant current = grant;
        if (current.term() == term && current.untilNanos() - until >= 0) {
            return;
        }
        grant = new Grant(term, until);
    }

    /** True when a read arriving at {@code nowNanos} on the leader of {@code term} may be answered locally. */
    public boolean validAt(long term, long nowNanos) {
        Grant g = grant;
        return suspensions == 0 && g.term() == term && nowNanos - g.untilNanos() < 0;
    }

    /** True when less than half the lease is left at {@code nowNanos} (renew it before it lapses). */
    public boolean wantsRenewal(long nowNanos) {
        return grant.untilNanos() - nowNanos < durationNanos / 2;
    }

    /** A leader transfer from this replica is starting: no lease until it ends. Calls nest. */
    public synchronized void suspend() {
        suspensions++;
        epoch++;
        grant = NONE;
    }

    /**
     * A transfer {@link #suspend}ed for ended at {@code nowNanos} (either way); only barriers proposed
     * at least {@code quietNanos} later grant a lease, since a target told to stand may still be
     * winning its election.
     */
    public synchronized void resume(long nowNanos, long quietNanos) {
        if (suspensions == 0) {
            throw new IllegalStateException("resume without suspend");
        }
        suspensions--;
        epoch++;
        long until = nowNanos + quietNanos;
        if (!quietPeriod || until - quietUntilNanos > 0) {
            quietUntilNanos = until;
        }
        quietPeriod = true;
    }
}
