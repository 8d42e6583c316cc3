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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntConsumer;

/**
 * Writes commands to local shard leaders with group commit: per shard, a {@link CommitQueue}
 * lets at most {@link #MAX_IN_FLIGHT} log entries be in flight and packs everything that arrives
 * meanwhile into the next entry (bounded by {@link #MAX_COMMANDS} commands and
 * {@link #MAX_BYTES} bytes). Each caller gets its own command's result.
 */
public final class GroupCommitWriter {

    static final int MAX_IN_FLIGHT = 1;
    static final int MAX_COMMANDS = 1024;
    static final long MAX_BYTES = 512 * 1024;

    private record Pending(Command command, CompletableFuture<CommandResult> result) {
    }

    private final ShardGroupHost host;
    private final Map<Integer, CommitQueue<Pending>> queues = new ConcurrentHashMap<>();
    /**
     * Submits the next batch off Ratis' threads: the thread that completes an entry's future
     * belongs to Ratis, and proposing from it would stall the division's pipeline.
     */
    private final ExecutorService completions;
    /** Told the number of commands of every entry sent (a metric). */
    private final IntConsumer batchSizes;

    public GroupCommitWriter(ShardGroupHost host) {
        this(host, n -> { });
    }

    public GroupCommitWriter(ShardGroupHost host, IntConsumer batchSizes) {
        this.host = host;
        this.batchSizes = batchSizes;
        this.completions = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "ringcache-commit");
            t.setDaemon(true);
            return t;
        });
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
        batchSizes.accept(batch.size());
        List<Command> commands = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            commands.add(p.command());
        }
        host.submit(shardId, commands).whenComplete((results, error) -> {
            // Callers complete on the thread that completed the entry (Ratis' apply thread): their
            // continuations only encode replies and hand them to gRPC, and a hand-off here would
            // sit on every write's reply path. Only the next proposal moves off Ratis' thread.
            try {
                for (int i = 0; i < batch.size(); i++) {
                    if (error != null) {
                        batch.get(i).result().completeExceptionally(error);
                    } else if (i < results.size()) {
                        batch.get(i).result().complete(results.get(i));
                    } else {
                        batch.get(i).result().completeExceptionally(new IllegalStateException(
                                "shard " + shardId + " answered " + results.size() + " results for " + batch.size() + " commands"));
                    }
                }
            } finally {
                // Whatever happened above, the entry is no longer in flight: a missed completed()
                // would leave the shard's queue waiting forever.
                sendNext(shardId, queue);
            }
        });
    }

    private void sendNext(int shardId, CommitQueue<Pending> queue) {
        List<Pending> next = queue.completed();
        if (!next.isEmpty()) {
            try {
                completions.execute(() -> send(shardId, queue, next));
            } catch (RejectedExecutionException closed) {
                next.forEach(p -> p.result().completeExceptionally(closed));
            }
        }
    }

    /** The threads that send the next batch; {@link GroupReader} sends its next rounds on them too. */
    Executor completions() {
        return completions;
    }

    /** Stops the completion threads; writes still in flight complete on Ratis' threads. */
    public void close() {
        completions.shutdown();
    }
}
