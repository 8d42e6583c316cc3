package io.ringcache.client.adapter.grpc;

import io.grpc.Status;
import io.ringcache.client.RingcacheException;
import io.ringcache.client.core.Failure;
import io.ringcache.proto.v1.Error;

/** Wire errors and gRPC statuses as the client's {@link Failure}s, and failures as exceptions. */
final class WireErrors {

    private WireErrors() {
    }

    static Failure of(int shardId, Error e) {
        switch (e.getKindCase()) {
            case NOT_LEADER:
                return new Failure.NotLeader(shardId, e.getNotLeader().getLeaderStoreId(), e.getNotLeader().getLeaderAddress(),
                        e.getNotLeader().getMaybeApplied());
            case STALE_EPOCH:
                return new Failure.StaleEpoch(e.getStaleEpoch().getRequestEpoch(), e.getStaleEpoch().getCurrentEpoch());
            case KEY_MOVED:
                return new Failure.KeyMoved(shardId, e.getKeyMoved().getMessage());
            case SHARD_NOT_FOUND:
                return new Failure.Unavailable(shardId, "shard " + e.getShardNotFound().getShardId() + " not found on the store");
            case KEY_TOO_LARGE:
                return new Failure.Rejected(Failure.Kind.KEY_TOO_LARGE, shardId, "key of " + e.getKeyTooLarge().getSize()
                        + " bytes exceeds the " + e.getKeyTooLarge().getMaxSize() + "-byte limit");
            case VALUE_TOO_LARGE:
                return new Failure.Rejected(Failure.Kind.VALUE_TOO_LARGE, shardId, "value of " + e.getValueTooLarge().getSize()
                        + " bytes exceeds the " + e.getValueTooLarge().getMaxSize() + "-byte limit");
            case RESOURCE_EXHAUSTED:
                return new Failure.Rejected(Failure.Kind.SHARD_FULL, shardId, e.getResourceExhausted().getMessage());
            case INVALID_ARGUMENT:
                return new Failure.Rejected(Failure.Kind.INVALID_ARGUMENT, shardId, e.getInvalidArgument().getMessage());
            case UNAVAILABLE:
                return new Failure.Unavailable(shardId, e.getUnavailable().getMessage());
            case PERMISSION_DENIED:
                return new Failure.Rejected(Failure.Kind.PERMISSION_DENIED, shardId, e.getPermissionDenied().getMessage());
            default:
                return new Failure.Unavailable(shardId, "unknown error " + e);
        }
    }

    /** Whether a call's status is an answer about the request itself (auth, bad input): never worth sending again. */
    static boolean definitive(Throwable t) {
        Status.Code c = Status.fromThrowable(t).getCode();
        return c == Status.Code.UNAUTHENTICATED || c == Status.Code.PERMISSION_DENIED || c == Status.Code.INVALID_ARGUMENT;
    }

    /** Whether a call ended because its deadline passed (no answer in time). */
    static boolean timedOut(Throwable t) {
        return Status.fromThrowable(t).getCode() == Status.Code.DEADLINE_EXCEEDED;
    }

    static Failure of(int shardId, Throwable t) {
        Status s = Status.fromThrowable(t);
        if (s.getCode() == Status.Code.INVALID_ARGUMENT) {
            return new Failure.Rejected(Failure.Kind.INVALID_ARGUMENT, shardId, s.getDescription());
        }
        if (s.getCode() == Status.Code.UNAUTHENTICATED) {
            return new Failure.Rejected(Failure.Kind.UNAUTHENTICATED, shardId, s.getDescription());
        }
        if (s.getCode() == Status.Code.PERMISSION_DENIED) {
            return new Failure.Rejected(Failure.Kind.PERMISSION_DENIED, shardId, s.getDescription());
        }
        if (s.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
            return new Failure.Rejected(Failure.Kind.VALUE_TOO_LARGE, shardId, s.getDescription());
        }
        String message = s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
        return s.getCode() == Status.Code.DEADLINE_EXCEEDED ? new Failure.TimedOut(shardId, message)
                : new Failure.Unavailable(shardId, message);
    }

    /** What the caller sees once retrying is over. */
    static RingcacheException exception(int shardId, Failure f, boolean timedOut, String what) {
        String detail = describe(f);
        if (f instanceof Failure.Rejected r) {
            return new RingcacheException.Rejected(shardId, r.kind().name(), what + " refused: " + detail);
        }
        if (timedOut) {
            return new RingcacheException.Timeout(shardId, what + " did not finish within its deadline"
                    + (detail.isEmpty() ? "" : "; last failure: " + detail), null);
        }
        return new RingcacheException.Unavailable(shardId, what + " failed: " + detail, null);
    }

    static String describe(Failure f) {
        if (f == null) {
            return "";
        }
        if (f instanceof Failure.NotLeader n) {
            return "store does not lead shard " + n.shardId() + (n.leaderStoreId().isEmpty() ? "" : " (leader " + n.leaderStoreId() + ")");
        }
        if (f instanceof Failure.StaleEpoch s) {
            return "map epoch " + s.requestEpoch() + " is older than the store's " + s.currentEpoch();
        }
        if (f instanceof Failure.Unavailable u) {
            return u.message();
        }
        if (f instanceof Failure.KeyMoved m) {
            return m.message();
        }
        if (f instanceof Failure.TimedOut t) {
            return t.message();
        }
        return ((Failure.Rejected) f).message();
    }
}
