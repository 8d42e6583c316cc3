package io.ringcache.node.adapter.raft;

import io.ringcache.node.core.CommitQueue;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes commands to local shard leaders with group commit: per shard, a {@link CommitQueue}
 * lets at most {@link #MAX_IN_FLIGHT} log entries be in flight and packs everything that arrives
 * meanwhile into the next entry (bounded by {@link #MAX_COMMANDS} commands and
 * {@link #MAX_BYTES} bytes). Each caller gets its own command's result.
 */
public final class GroupCommitWriter {

    static final int MAX_IN_FLIGHT = 2;
    static final int MAX_COMMANDS = 1024;
    static final long MAX_BYTES = 512 * 1024;

    private record Pending(Command command, CompletableFuture<CommandResult> result) {
    }

    private final ShardGroupHost host;
    private final Map<Integer, CommitQueue<Pending>> queues = new ConcurrentHashMap<>();

    public GroupCommitWriter(ShardGroupHost host) {
        this.host = host;
    }

    /** Proposes {@code command} to the shard's local leader; completes with its result or a ShardCallException. */
    public CompletableFuture<CommandResult> write(int shardId, Command command, int bytes) {
        CompletableFuture<CommandResult> result = new CompletableFuture<>();
        CommitQueue<Pending> queue = queues.computeIfAbsent(shardId,
                s -> new CommitQueue<>(MAX_IN_FLIGHT, MAX_COMMANDS, MAX_BYTES));
        send(shardId, queue, queue.offer(new Pending(command, result), bytes));
        return result;
    }

    private void send(int shardId, CommitQueue<Pending> queue, List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Command> commands = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            commands.add(p.command());
        }
        host.submit(shardId, commands).whenComplete((results, error) -> {
            for (int i = 0; i < batch.size(); i++) {
                if (error != null) {
                    batch.get(i).result().completeExceptionally(error);
                } else {
                    batch.get(i).result().complete(results.get(i));
                }
            }
            send(shardId, queue, queue.completed());
        });
    }
}
