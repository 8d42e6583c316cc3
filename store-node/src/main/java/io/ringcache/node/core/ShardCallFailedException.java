package io.ringcache.node.core;

/** A local shard call that produced no result, and why (the {@link LocalShards} failure contract). */
public final class ShardCallFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient KvFailure failure;

    public ShardCallFailedException(KvFailure failure) {
        super(failure.toString(), null, false, false);
        this.failure = failure;
    }

    public KvFailure failure() {
        return failure;
    }
}
