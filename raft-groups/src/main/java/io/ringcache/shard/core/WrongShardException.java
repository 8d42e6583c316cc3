package io.ringcache.shard.core;

/**
 * A read named a key whose slot left this shard in a split ({@link ShardError#WRONG_SHARD}): the
 * caller routed with a partition map older than the split.
 */
public final class WrongShardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int childShard;

    public WrongShardException(int shardId, SplitRecord split) {
        super(ShardError.WRONG_SHARD + ": shard " + shardId + " gave this key's slot to shard "
                + split.childShard() + " at log index " + split.index() + "; refresh the partition map");
        this.childShard = split.childShard();
    }

    /** The shard that holds the key now (or an ancestor of it, after further splits). */
    public int childShard() {
        return childShard;
    }
}
