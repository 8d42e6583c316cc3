package io.ringcache.node.adapter.raft;

import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.LocalShards;
import io.ringcache.node.core.ShardCallFailedException;
import io.ringcache.shard.adapter.ratis.ShardCallException;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntConsumer;

/**
 * The store's shard replicas on Ratis: writes through group commit ({@link GroupCommitWriter}),
 * linearizable single-key reads coalesced into read rounds ({@link GroupReader}), other reads
 * through the host; Ratis' failures as {@link KvFailure}s.
 *
 * <p>A write is proposed only when the local replica is the leader at that moment, so a refusal
 * before that is certain to have changed nothing; a NotLeader that Ratis answers afterwards may
 * come from a leader that stepped down with the entry appended, which can still commit.
 */
public final class RatisLocalShards implements LocalShards {

    private final ShardGroupHost host;
    private final GroupCommitWriter writer;
    private final GroupReader reader;

    public RatisLocalShards(ShardGroupHost host, GroupCommitWriter writer) {
        this(host, writer, n -> { });
    }

    /** @param readRounds told the number of reads of every coalesced read round (a metric) */
    public RatisLocalShards(ShardGroupHost host, GroupCommitWriter writer, IntConsumer readRounds) {
        this.host = host;
        this.writer = writer;
        this.reader = new GroupReader(host, writer.completions(), readRounds);
    }

    @Override
    public boolean isLeader(int shardId) {
        return host.role(shardId) == ShardGroupHost.Role.LEADER;
    }

    @Override
    public boolean hosts(int shardId) {
        return host.role(shardId) != ShardGroupHost.Role.NOT_HOSTED;
    }

    @Override
    public Optional<String> leaderOf(int shardId) {
        return host.leader(shardId);
    }

    @Override
    public long appliedIndex(int shardId) {
        return Math.max(0, host.appliedIndex(shardId));
    }

    @Override
    public CompletableFuture<CommandResult> write(int shardId, Command command, int bytes) {
        ShardGroupHost.Role role = host.role(shardId);
        if (role != ShardGroupHost.Role.LEADER) {
            KvFailure refused = role == ShardGroupHost.Role.NOT_HOSTED
                    ? new KvFailure.Unavailable(shardId, "shard " + shardId + " is not hosted on this store", true)
                    : KvFailure.NotLeader.refused(shardId, host.leader(shardId).orElse(""), "");
            return CompletableFuture.failedFuture(new ShardCallFailedException(refused));
        }
        return writer.write(shardId, command, bytes).handle((result, error) -> {
            if (error != null) {
                throw new ShardCallFailedException(failure(shardId, error, true));
            }
            return result;
        });
    }

    @Override
    public CompletableFuture<ResultCodec.Answer> read(int shardId, Query query, boolean stale) {
        CompletableFuture<ResultCodec.Answer> call = !stale && query instanceof Query.Get get
                ? reader.get(shardId, get.key())
                : host.query(shardId, CommandCodec.encode(query), stale);
        return call.handle((answer, error) -> {
            if (error != null) {
                throw new ShardCallFailedException(failure(shardId, error, false));
            }
            return answer;
        });
    }

    /** Ratis' failure of a call; {@code write}: the call may have proposed an entry. */
    public static KvFailure failure(int shardId, Throwable error, boolean write) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ShardCallException s) {
            return switch (s.reason()) {
                case NOT_LEADER -> new KvFailure.NotLeader(shardId, s.leaderHint().orElse(""), "", write);
                case INVALID_ARGUMENT -> new KvFailure.InvalidArgument(s.getMessage());
                case WRONG_SHARD -> new KvFailure.KeyMoved(shardId, s.getMessage());
                case UNAVAILABLE -> new KvFailure.Unavailable(shardId, s.getMessage(), !write);
                case NOT_READY -> new KvFailure.Unavailable(shardId, s.getMessage(), true);
            };
        }
        return new KvFailure.Unavailable(shardId, cause.getClass().getSimpleName() + ": " + cause.getMessage(), !write);
    }
}
