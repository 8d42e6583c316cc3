package io.ringcache.node.core;

/**
 * Why a request got no result, in the request path's terms; each front door maps these to its own
 * error form (a typed gRPC error, an HTTP status, a Redis {@code -ERR}).
 */
public sealed interface KvFailure {

    /**
     * This store does not lead the shard; the hint names the leader when known (empty strings otherwise).
     *
     * @param maybeApplied true when a write was proposed before leadership was lost, so it may
     *                     still commit under the next leader; false when it was refused unsent
     */
    record NotLeader(int shardId, String leaderId, String leaderAddress, boolean maybeApplied) implements KvFailure {

        /** A refusal: nothing was proposed. */
        public static NotLeader refused(int shardId, String leaderId, String leaderAddress) {
            return new NotLeader(shardId, leaderId, leaderAddress, false);
        }
    }

    /**
     * A key the request names left its shard in a split: the map the request was routed with is
     * older than the split. Nothing was done; it succeeds once routed with the map that has the split.
     */
    record KeyMoved(int shardId, String message) implements KvFailure {
    }

    /** The caller routed with an older partition map. */
    record StaleEpoch(long requestEpoch, long currentEpoch) implements KvFailure {
    }

    /**
     * The shard cannot serve now (no leader, leader not ready, a call that failed).
     *
     * @param notApplied true when the request certainly changed nothing (it was never proposed), so
     *                   a write may be sent again without risk of applying twice
     */
    record Unavailable(int shardId, String message, boolean notApplied) implements KvFailure {
    }

    /** The request is malformed; sending it again cannot help. */
    record InvalidArgument(String message) implements KvFailure {
    }

    record KeyTooLarge(int size, int maxSize) implements KvFailure {
    }

    record ValueTooLarge(long size, long maxSize) implements KvFailure {
    }

    /** The shard reached its memory budget. */
    record ResourceExhausted(int shardId, long budgetBytes, String message) implements KvFailure {
    }

    /** The shard does not exist (on this store or anywhere, as the message says). */
    record ShardNotFound(int shardId) implements KvFailure {
    }

    /** Auth is on and the request named nobody, or credentials that did not check out. Nothing was done. */
    record Unauthenticated(String message) implements KvFailure {
    }

    /** The caller is a known user without the right this request needs. Nothing was done. */
    record PermissionDenied(String message) implements KvFailure {
    }
}
