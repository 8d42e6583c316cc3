package io.ringcache.node.adapter.grpc;

import io.ringcache.node.core.Route;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.InvalidArgument;
import io.ringcache.proto.v1.KeyTooLarge;
import io.ringcache.proto.v1.NotLeader;
import io.ringcache.proto.v1.ResourceExhausted;
import io.ringcache.proto.v1.StaleEpoch;
import io.ringcache.proto.v1.Unavailable;
import io.ringcache.proto.v1.ValueTooLarge;
import io.ringcache.shard.adapter.ratis.ShardCallException;
import io.ringcache.shard.core.CommandResult;
import java.util.concurrent.CompletionException;

/** Translates domain failures into the wire's typed errors. */
final class KvErrors {

    private KvErrors() {
    }

    static Error of(Route route) {
        if (route instanceof Route.NotLeader n) {
            return Error.newBuilder().setNotLeader(NotLeader.newBuilder().setShardId(n.shardId())
                    .setLeaderStoreId(n.leaderId()).setLeaderAddress(n.leaderAddress())).build();
        }
        if (route instanceof Route.StaleEpoch s) {
            return Error.newBuilder().setStaleEpoch(StaleEpoch.newBuilder().setRequestEpoch(s.requestEpoch())
                    .setCurrentEpoch(s.currentEpoch())).build();
        }
        Route.Unavailable u = (Route.Unavailable) route;
        return unavailable(u.shardId(), u.message());
    }

    static Error of(int shardId, CommandResult.Rejected rejected, long budget) {
        switch (rejected.error()) {
            case KEY_TOO_LARGE:
                return Error.newBuilder().setKeyTooLarge(KeyTooLarge.newBuilder()).build();
            case VALUE_TOO_LARGE:
                return Error.newBuilder().setValueTooLarge(ValueTooLarge.newBuilder()).build();
            case RESOURCE_EXHAUSTED:
                return Error.newBuilder().setResourceExhausted(ResourceExhausted.newBuilder().setShardId(shardId)
                        .setBudgetBytes(budget).setMessage(rejected.message())).build();
            default:
                return invalid(rejected.message());
        }
    }

    /** The error for a failed local call (leadership lost meanwhile, no leader, refused). */
    static Error of(int shardId, Throwable failure, String leaderHintAddress) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ShardCallException s) {
            switch (s.reason()) {
                case NOT_LEADER:
                    return Error.newBuilder().setNotLeader(NotLeader.newBuilder().setShardId(shardId)
                            .setLeaderStoreId(s.leaderHint().orElse("")).setLeaderAddress(leaderHintAddress)).build();
                case INVALID_ARGUMENT:
                    return invalid(s.getMessage());
                default:
                    return unavailable(shardId, s.getMessage());
            }
        }
        return unavailable(shardId, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    static Error keyTooLarge(int size, int max) {
        return Error.newBuilder().setKeyTooLarge(KeyTooLarge.newBuilder().setSize(size).setMaxSize(max)).build();
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
