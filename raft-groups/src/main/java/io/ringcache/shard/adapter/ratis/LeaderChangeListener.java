package io.ringcache.shard.adapter.ratis;

/**
 * Hears of every leader change a hosted replica learns of ({@link ShardGroupHost#onLeaderChange}):
 * its own election, or a follower's first word from a new leader; and of a leader here becoming
 * ready to serve. Called on a Ratis thread, once
 * Ratis has recorded the new leader (so {@link ShardGroupHost#leader} and
 * {@link ShardGroupHost#isReadyLeader}'s role check already name it); it must only hand the news
 * on, never block.
 */
@FunctionalInterface
public interface LeaderChangeListener {

    /** {@code shardId}'s replica here now follows {@code leaderId}; {@code electedHere} when that is itself. */
    void leaderChanged(int shardId, String leaderId, boolean electedHere);

    /**
     * {@code shardId}'s replica here, elected earlier, has applied the first entry of its term: it
     * serves from now on. Until then Ratis refuses its requests (NOT_READY), for one round trip
     * to the followers and a disk write after the election. Called on the shard's apply thread.
     */
    default void leaderReady(int shardId) {
    }
}
