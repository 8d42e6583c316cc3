package io.ringcache.node.adapter.raft;

import io.ringcache.node.core.CommitQueue;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntConsumer;

/**
 * Linearizable single-key reads of local replicas, coalesced: per shard, at most
 * {@link #MAX_IN_FLIGHT} read rounds are in flight, and every {@link Query.Get} that arrives
 * meanwhile leaves in the next round as one {@link Query.BatchGet}. A round costs one ReadIndex
 * (a heartbeat to a majority, on a follower a call to the leader) whatever its size, so under load
 * one round serves many readers; alone, a read pays no delay.
 *
 * <p>Linearizability holds because a read joins only a round that is <em>sent after it
 * arrived</em>: its ReadIndex is taken after the read began, so it sees every write acknowledged
 * before that.
 */
public final class GroupReader {

    /**
     * One round in flight per shard. Two were measured against one (bench/RESULTS.md, "Coalesced
     * reads and forwards"): no better at 16 connections, and up to a fifth fewer gets at 256.
     */
    static final int MAX_IN_FLIGHT = 1;
    static final int MAX_KEYS = 1024;
    static final long MAX_KEY_BYTES = 256 * 1024;

    private record Pending(byte[] key, CompletableFuture<ResultCodec.Answer> answer) {
    }

    /** Serves one encoded query on a shard's local replica, linearizably. */
    @FunctionalInterface
    public interface Replicas {
        CompletableFuture<ResultCodec.Answer> query(int shardId, byte[] query);
    }

    private final Replicas replicas;
    private final Map<Integer, CommitQueue<Pending>> queues = new ConcurrentHashMap<>();
    /** Sends the next round off Ratis' threads (the thread that answers a round belongs to Ratis). */
    private final Executor rounds;
    /** Told the number of reads of every round sent (a metric). */
    private final IntConsumer roundSizes;

    public GroupReader(ShardGroupHost host, Executor rounds, IntConsumer roundSizes) {
        this((shardId, query) -> host.query(shardId, query, false), rounds, roundSizes);
    }

    GroupReader(Replicas replicas, Executor rounds, IntConsumer roundSizes) {
        this.replicas = replicas;
        this.rounds = rounds;
        this.roundSizes = roundSizes;
    }

    /** Reads {@code key} on the shard's local replica, linearizably; fails as {@link ShardGroupHost#query} does. */
    public CompletableFuture<ResultCodec.Answer> get(int shardId, byte[] key) {
        CompletableFuture<ResultCodec.Answer> answer = new CompletableFuture<>();
        CommitQueue<Pending> queue = queues.computeIfAbsent(shardId, s -> new CommitQueue<>(MAX_IN_FLIGHT, MAX_KEYS, MAX_KEY_BYTES));
        send(shardId, queue, queue.offer(new Pending(key, answer), key.length));
        return answer;
    }

    private void send(int shardId, CommitQueue<Pending> queue, List<Pending> round) {
        if (round.isEmpty()) {
            return;
        }
        roundSizes.accept(round.size());
        CompletableFuture<ResultCodec.Answer> call;
        try {
            if (round.size() == 1) {
                call = replicas.query(shardId, CommandCodec.encode(new Query.Get(round.get(0).key())));
            } else {
                List<byte[]> keys = new ArrayList<>(round.size());
                for (Pending p : round) {
                    keys.add(p.key());
                }
                call = replicas.query(shardId, CommandCodec.encode(new Query.BatchGet(keys)));
            }
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((answer, error) -> {
            try {
                answer(shardId, round, answer, error);
            } finally {
                // Whatever happened above, the round is over: a missed completed() would leave the
                // shard's readers waiting forever.
                sendNext(shardId, queue);
            }
        });
    }

    private static void answer(int shardId, List<Pending> round, ResultCodec.Answer answer, Throwable error) {
        if (error != null) {
            round.forEach(p -> p.answer().completeExceptionally(error));
        } else if (round.size() == 1) {
            round.get(0).answer().complete(answer);
        } else if (answer instanceof ResultCodec.Answer.Values values && values.values().size() == round.size()) {
            for (int i = 0; i < round.size(); i++) {
                round.get(i).answer().complete(new ResultCodec.Answer.Value(values.values().get(i)));
            }
        } else {
            IllegalStateException wrong = new IllegalStateException("shard " + shardId + " answered " + answer
                    + " to a round of " + round.size() + " reads");
            round.forEach(p -> p.answer().completeExceptionally(wrong));
        }
    }

    private void sendNext(int shardId, CommitQueue<Pending> queue) {
        List<Pending> next = queue.completed();
        if (!next.isEmpty()) {
            try {
                rounds.execute(() -> send(shardId, queue, next));
            } catch (RejectedExecutionException closed) {
                next.forEach(p -> p.answer().completeExceptionally(closed));
            }
        }
    }
}
