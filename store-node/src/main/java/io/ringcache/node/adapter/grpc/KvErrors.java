package io.ringcache.node.adapter.grpc;

import io.ringcache.node.core.KvFailure;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.InvalidArgument;
import io.ringcache.proto.v1.KeyTooLarge;
import io.ringcache.proto.v1.NotLeader;
import io.ringcache.proto.v1.ResourceExhausted;
import io.ringcache.proto.v1.ShardNotFound;
import io.ringcache.proto.v1.StaleEpoch;
import io.ringcache.proto.v1.Unavailable;
import io.ringcache.proto.v1.ValueTooLarge;

/** The request path's failures as the wire's typed errors, and back (for forwarded replies). */
final class KvErrors {

    private KvErrors() {
    }

    static Error toProto(KvFailure failure) {
        Error.Builder e = Error.newBuilder();
        if (failure instanceof KvFailure.PermissionDenied d) {
            // One entry of a batch (a single-key call is refused with the gRPC status instead).
            return e.setPermissionDenied(io.ringcache.proto.v1.PermissionDenied.newBuilder().setMessage(d.message())).build();
        }
        if (failure instanceof KvFailure.Unauthenticated u) {
            // Callers not signed in are refused whole by GrpcCallerAuth; kept typed should one get here.
            return e.setPermissionDenied(io.ringcache.proto.v1.PermissionDenied.newBuilder().setMessage(u.message())).build();
        }
        if (failure instanceof KvFailure.NotLeader n) {
            return e.setNotLeader(NotLeader.newBuilder().setShardId(n.shardId()).setLeaderStoreId(n.leaderId())
                    .setLeaderAddress(n.leaderAddress()).setMaybeApplied(n.maybeApplied())).build();
        }
        if (failure instanceof KvFailure.StaleEpoch s) {
            return e.setStaleEpoch(StaleEpoch.newBuilder().setRequestEpoch(s.requestEpoch())
                    .setCurrentEpoch(s.currentEpoch())).build();
        }
        if (failure instanceof KvFailure.KeyMoved m) {
            return e.setKeyMoved(io.ringcache.proto.v1.KeyMoved.newBuilder().setShardId(m.shardId())
                    .setMessage(m.message())).build();
        }
        if (failure instanceof KvFailure.Unavailable u) {
            return e.setUnavailable(Unavailable.newBuilder().setShardId(u.shardId()).setMessage(u.message())
                    .setNotApplied(u.notApplied())).build();
        }
        if (failure instanceof KvFailure.InvalidArgument i) {
            return invalid(i.message());
        }
        if (failure instanceof KvFailure.KeyTooLarge k) {
            return e.setKeyTooLarge(KeyTooLarge.newBuilder().setSize(k.size()).setMaxSize(k.maxSize())).build();
        }
        if (failure instanceof KvFailure.ValueTooLarge v) {
            return e.setValueTooLarge(ValueTooLarge.newBuilder().setSize((int) Math.min(0xFFFF_FFFFL, v.size()))
                    .setMaxSize((int) Math.min(0xFFFF_FFFFL, v.maxSize()))).build();
        }
        if (failure instanceof KvFailure.ResourceExhausted r) {
            return e.setResourceExhausted(ResourceExhausted.newBuilder().setShardId(r.shardId())
                    .setBudgetBytes(r.budgetBytes()).setMessage(r.message())).build();
        }
        KvFailure.ShardNotFound s = (KvFailure.ShardNotFound) failure;
        return e.setShardNotFound(ShardNotFound.newBuilder().setShardId(s.shardId())).build();
    }

    /** The failure a typed error stands for; an error without a kind reads as an ambiguous Unavailable. */
    static KvFailure fromProto(Error e) {
        return switch (e.getKindCase()) {
            case NOT_LEADER -> new KvFailure.NotLeader(e.getNotLeader().getShardId(), e.getNotLeader().getLeaderStoreId(),
                    e.getNotLeader().getLeaderAddress(), e.getNotLeader().getMaybeApplied());
            case STALE_EPOCH -> new KvFailure.StaleEpoch(e.getStaleEpoch().getRequestEpoch(),
                    e.getStaleEpoch().getCurrentEpoch());
            case SHARD_NOT_FOUND -> new KvFailure.ShardNotFound(e.getShardNotFound().getShardId());
            case KEY_MOVED -> new KvFailure.KeyMoved(e.getKeyMoved().getShardId(), e.getKeyMoved().getMessage());
            case KEY_TOO_LARGE -> new KvFailure.KeyTooLarge(e.getKeyTooLarge().getSize(), e.getKeyTooLarge().getMaxSize());
            case VALUE_TOO_LARGE -> new KvFailure.ValueTooLarge(Integer.toUnsignedLong(e.getValueTooLarge().getSize()),
                    Integer.toUnsignedLong(e.getValueTooLarge().getMaxSize()));
            case RESOURCE_EXHAUSTED -> new KvFailure.ResourceExhausted(e.getResourceExhausted().getShardId(),
                    e.getResourceExhausted().getBudgetBytes(), e.getResourceExhausted().getMessage());
            case INVALID_ARGUMENT -> new KvFailure.InvalidArgument(e.getInvalidArgument().getMessage());
            case PERMISSION_DENIED -> new KvFailure.PermissionDenied(e.getPermissionDenied().getMessage());
            case UNAVAILABLE -> new KvFailure.Unavailable(e.getUnavailable().getShardId(),
                    e.getUnavailable().getMessage(), e.getUnavailable().getNotApplied());
            case KIND_NOT_SET -> new KvFailure.Unavailable(0, "an error without a kind", false);
        };
    }

    static Error valueTooLarge(int size, int max) {
        return Error.newBuilder().setValueTooLarge(ValueTooLarge.newBuilder().setSize(size).setMaxSize(max)).build();
    }

    static Error invalid(String message) {
        return Error.newBuilder().setInvalidArgument(InvalidArgument.newBuilder().setMessage(message)).build();
    }

    static Error unavailable(int shardId, String message) {
        return Error.newBuilder().setUnavailable(Unavailable.newBuilder().setShardId(shardId).setMessage(message)).build();
    }
}
