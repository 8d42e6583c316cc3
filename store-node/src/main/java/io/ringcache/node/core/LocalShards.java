package io.ringcache.node.core;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import java.util.concurrent.CompletableFuture;

/**
 * The port to this store's shard replicas: what routing sees ({@link ShardView}) and the calls
 * that serve a request here. Adapters: the Ratis host with group commit, and an in-memory host
 * for tests; both pass {@code LocalShardsContract}.
 *
 * <p>A call that gets no result completes exceptionally with a {@link ShardCallFailedException};
 * any other exception is read as {@link KvFailure.Unavailable} that may have applied.
 */
public interface LocalShards extends ShardView {

    /** Proposes {@code command} to the shard's local leader; completes with its result once applied here. */
    CompletableFuture<CommandResult> write(int shardId, Command command, int bytes);

    /** Serves {@code query} on the local replica, linearizably unless {@code stale}. */
    CompletableFuture<ResultCodec.Answer> read(int shardId, Query query, boolean stale);

    /** The index of the last entry applied by the local replica (0 when none or not hosted). */
    long appliedIndex(int shardId);
}
