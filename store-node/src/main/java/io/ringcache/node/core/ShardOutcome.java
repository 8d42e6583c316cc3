package io.ringcache.node.core;

import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ResultCodec;

/**
 * What one shard answered. {@code appliedIndex} and {@code epoch} describe the replica that
 * answered: for reads, the index it had applied <em>before</em> the read ran (a lower bound of
 * what the value reflects, which a near cache needs); {@code epoch} is its partition map's.
 */
public sealed interface ShardOutcome {

    record Answered(int shardId, long appliedIndex, long epoch, ResultCodec.Answer answer) implements ShardOutcome {
    }

    record Applied(int shardId, long appliedIndex, long epoch, CommandResult result) implements ShardOutcome {
    }

    record Failed(KvFailure failure) implements ShardOutcome {
    }
}
