package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.ShardError;

import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.StateMachineException;

/**
 * A shard call that did not produce a result: the callee is not the leader (with a hint when it
 * knows the leader), the shard cannot serve right now, or the request was refused as malformed.
 */
public final class ShardCallException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** This replica is not the shard's leader; retry at {@link #leaderHint()} when present. */
        NOT_LEADER,
        /** No leader yet, or the replica is not hosted here: retry later (a write may have been proposed). */
        UNAVAILABLE,
        /**
         * This replica leads but has not committed an entry of its term yet, or is handing its
         * leadership over (Ratis' {@code LeaderNotReadyException}, {@code LeaderSteppingDownException}):
         * refused before anything was proposed, so even a write may be sent again.
         */
        NOT_READY,
        /** The request is malformed: do not retry. */
        INVALID_ARGUMENT,
        /**
         * A key it names left this shard in a split ({@code ShardError.WRONG_SHARD}): nothing was
         * done; route again with a newer partition map.
         */
        WRONG_SHARD
    }

    private final int shardId;
    private final Reason reason;
    private final String leaderHint;

    public ShardCallException(int shardId, Reason reason, String leaderHint, String message) {
        super("shard " + shardId + ": " + reason + ": " + message);
        this.shardId = shardId;
        this.reason = reason;
        this.leaderHint = leaderHint;
    }

    public int shardId() {
        return shardId;
    }

    public Reason reason() {
        return reason;
    }

    /** The peer id of the leader, when the callee knows it. */
    public Optional<String> leaderHint() {
        return Optional.ofNullable(leaderHint);
    }

    /** The failure a Ratis reply that is not a success stands for. */
    static ShardCallException of(int shardId, RaftClientReply reply) {
        NotLeaderException notLeader = reply.getNotLeaderException();
        if (notLeader != null) {
            RaftPeer hint = notLeader.getSuggestedLeader();
            return new ShardCallException(shardId, ShardCallException.Reason.NOT_LEADER,
                    hint == null ? null : hint.getId().toString(), "not the leader");
        }
        StateMachineException refused = reply.getStateMachineException();
        if (refused != null) {
            String message = String.valueOf(refused.getMessage());
            return new ShardCallException(shardId, message.contains(ShardError.WRONG_SHARD + ":")
                    ? ShardCallException.Reason.WRONG_SHARD : ShardCallException.Reason.INVALID_ARGUMENT, null, message);
        }
        return unavailable(shardId, reply.getException());
    }

    /** A call that got no usable reply: retry later. */
    static ShardCallException unavailable(int shardId, Throwable cause) {
        Throwable root = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException
                || root instanceof org.apache.ratis.protocol.exceptions.LeaderSteppingDownException) {
            return new ShardCallException(shardId, Reason.NOT_READY, null, root.getMessage());
        }
        return new ShardCallException(shardId, ShardCallException.Reason.UNAVAILABLE, null,
                root == null ? "no reply" : root.getClass().getSimpleName() + ": " + root.getMessage());
    }
}
