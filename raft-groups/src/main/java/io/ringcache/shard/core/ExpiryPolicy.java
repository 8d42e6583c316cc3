package io.ringcache.shard.core;

import java.util.List;

/**
 * What one replica of a shard does about expired keys each tick (every 100 ms), decided here
 * rather than in the Raft adapter that runs the ticks and proposes the result:
 * <ul>
 *   <li>A replica that does not lead (or leads but has not committed an entry of its term yet)
 *       proposes nothing and forgets index entries older than {@link #FOLLOWER_GRACE_MILLIS}:
 *       the leader reclaims those keys, and a follower that becomes leader rebuilds its index.</li>
 *   <li>A serving leader first rebuilds its index when asked to (it just became leader, or an
 *       earlier proposal failed after draining keys), then plans {@link Command.Expire} commands
 *       of at most {@link #KEYS_PER_ENTRY} keys, {@link #KEYS_PER_TICK} keys in all (100,000
 *       keys/s per shard); keys beyond that stay indexed for the next tick.</li>
 * </ul>
 */
public final class ExpiryPolicy {

    /** Keys reclaimed per shard per tick at most (ticks are 100 ms): 100k keys/s/shard. */
    public static final int KEYS_PER_TICK = 10_000;
    /** Keys in one Expire command (one log entry). */
    public static final int KEYS_PER_ENTRY = 1_000;
    /** Followers forget index entries older than this; the leader reclaims those keys. */
    public static final long FOLLOWER_GRACE_MILLIS = 30_000;

    private ExpiryPolicy() {
    }

    /**
     * One tick of one replica.
     *
     * @param servingLeader the replica leads and has committed an entry of its term
     * @param rebuildFirst  the index must be rebuilt from the store before planning (ignored when
     *                      not a serving leader: the request stands until it is one)
     * @param now           the replica's clock, in milliseconds
     * @return the commands to propose, in order; empty when there is nothing to reclaim
     */
    public static List<Command.Expire> tick(ShardEngine engine, boolean servingLeader, boolean rebuildFirst, long now) {
        if (!servingLeader) {
            engine.pruneExpiryIndex(now - FOLLOWER_GRACE_MILLIS);
            return List.of();
        }
        if (rebuildFirst) {
            engine.rebuildExpiryIndex();
        }
        return engine.planExpiry(now, KEYS_PER_ENTRY, KEYS_PER_TICK);
    }
}
