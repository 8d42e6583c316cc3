package io.ringcache.shard.adapter.ratis;

import java.util.Optional;

/**
 * A shard call that did not produce a result: the callee is not the leader (with a hint when it
 * knows the leader), the shard cannot serve right now, or the request was refused as malformed.
 */
public final class ShardCallException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** This replica is not the shard's leader; retry at {@link #leaderHint()} when present. */
        NOT_LEADER,
        /** No leader yet, leader not ready, or the replica is not hosted here: retry later. */
        UNAVAILABLE,
        /** The request is malformed: do not retry. */
        INVALID_ARGUMENT
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
}
