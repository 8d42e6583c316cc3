package io.ringcache.client.core;

/**
 * Why one attempt failed, in the client's terms (the adapter converts wire errors into these),
 * and what the retry loop does about it.
 */
public sealed interface Failure {

    /** Whether retrying can help (the loop still stops at the deadline). */
    boolean retryable();

    /**
     * The store does not lead the shard; it may name the leader. Retry at once at the leader.
     * {@code maybeApplied}: the store had proposed the write before it lost leadership, so the
     * next leader may still commit it; only the identical request (same sequence) may follow.
     */
    record NotLeader(int shardId, String leaderStoreId, String leaderAddress, boolean maybeApplied) implements Failure {
        /** A refusal before anything was proposed. */
        public NotLeader(int shardId, String leaderStoreId, String leaderAddress) {
            this(shardId, leaderStoreId, leaderAddress, false);
        }

        public boolean retryable() {
            return true;
        }
    }

    /**
     * A key of the request left its shard in a split the routing map did not have yet; nothing
     * was done. Back off while the map refreshes (the placement driver publishes the split right
     * after it), then send again; a write keeps its sequence, so it applies once.
     */
    record KeyMoved(int shardId, String message) implements Failure {
        public boolean retryable() {
            return true;
        }
    }

    /** The client routed with an older map. Refresh the map, then retry. */
    record StaleEpoch(long requestEpoch, long currentEpoch) implements Failure {
        public boolean retryable() {
            return true;
        }
    }

    /**
     * No answer or no leader (transport error, election, store down). Back off, then retry on
     * another replica, asking it to forward to the leader; the write keeps its sequence number,
     * so if the first attempt did apply, the retry is answered from the shard's session table.
     */
    record Unavailable(int shardId, String message) implements Failure {
        public boolean retryable() {
            return true;
        }
    }

    /**
     * The attempt ran out of the call's own time (its gRPC deadline, which is the call's): it says
     * less about the shard than the failure before it, which the loop keeps reporting.
     */
    record TimedOut(int shardId, String message) implements Failure {
        public boolean retryable() {
            return true;
        }
    }

    /** The request itself is wrong (too large, bad argument, shard full) or not allowed (auth). Never retried. */
    record Rejected(Kind kind, int shardId, String message) implements Failure {
        public boolean retryable() {
            return false;
        }
    }

    enum Kind { KEY_TOO_LARGE, VALUE_TOO_LARGE, SHARD_FULL, INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED }
}
