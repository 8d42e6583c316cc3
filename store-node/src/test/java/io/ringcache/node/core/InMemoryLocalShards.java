package io.ringcache.node.core;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandBatch;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardLimits;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * A real in-memory {@link LocalShards}: one {@link ShardEngine} over a heap store per hosted shard,
 * each write applied at once as its own entry, at the time of {@code clock}. The test sets which
 * shards are hosted and led, and may script failures of the next calls. Thread-safe by monitor.
 */
public final class InMemoryLocalShards implements LocalShards {

    private final String selfId;
    private final ShardLimits limits;
    private final LongSupplier clock;
    private final Map<Integer, ShardEngine> engines = new HashMap<>();
    private final Map<Integer, Long> applied = new HashMap<>();
    private final Map<Integer, String> leaders = new HashMap<>();
    private final Queue<KvFailure> scripted = new ArrayDeque<>();
    private int calls;

    public InMemoryLocalShards(String selfId, ShardLimits limits, LongSupplier clock) {
        this.selfId = selfId;
        this.limits = limits;
        this.clock = clock;
    }

    /** Hosts {@code shard}, led by {@code leaderId} (this store's id to lead it; empty for no leader). */
    public synchronized InMemoryLocalShards host(int shard, String leaderId) {
        engines.computeIfAbsent(shard, s -> new ShardEngine(s, new HeapShardStore(), limits));
        applied.putIfAbsent(shard, 0L);
        leaders.put(shard, leaderId);
        return this;
    }

    synchronized void drop(int shard) {
        engines.remove(shard);
        applied.remove(shard);
        leaders.remove(shard);
    }

    /** The next calls fail with these, in order, before touching any engine. */
    synchronized void failNext(KvFailure... failures) {
        scripted.addAll(java.util.List.of(failures));
    }

    synchronized int calls() {
        return calls;
    }

    @Override
    public synchronized boolean isLeader(int shardId) {
        return selfId.equals(leaders.get(shardId));
    }

    @Override
    public synchronized boolean hosts(int shardId) {
        return engines.containsKey(shardId);
    }

    @Override
    public synchronized Optional<String> leaderOf(int shardId) {
        return Optional.ofNullable(leaders.get(shardId)).filter(l -> !l.isEmpty());
    }

    @Override
    public synchronized long appliedIndex(int shardId) {
        return applied.getOrDefault(shardId, 0L);
    }

    @Override
    public synchronized CompletableFuture<CommandResult> write(int shardId, Command command, int bytes) {
        calls++;
        KvFailure failure = scripted.poll();
        if (failure == null && !isLeader(shardId)) {
            failure = hosts(shardId) ? KvFailure.NotLeader.refused(shardId, leaderOf(shardId).orElse(""), "")
                    : new KvFailure.Unavailable(shardId, "shard " + shardId + " is not hosted on this store", true);
        }
        if (failure != null) {
            return CompletableFuture.failedFuture(new ShardCallFailedException(failure));
        }
        long index = applied.merge(shardId, 1L, Long::sum);
        CommandResult result = engines.get(shardId).apply(index, new CommandBatch(clock.getAsLong(),
                java.util.List.of(command))).get(0);
        return CompletableFuture.completedFuture(result);
    }

    @Override
    public synchronized CompletableFuture<ResultCodec.Answer> read(int shardId, Query query, boolean stale) {
        calls++;
        KvFailure failure = scripted.poll();
        if (failure == null && !hosts(shardId)) {
            failure = new KvFailure.Unavailable(shardId, "shard " + shardId + " is not hosted on this store", true);
        } else if (failure == null && !stale && !isLeader(shardId)) {
            failure = KvFailure.NotLeader.refused(shardId, leaderOf(shardId).orElse(""), "");
        }
        if (failure != null) {
            return CompletableFuture.failedFuture(new ShardCallFailedException(failure));
        }
        return CompletableFuture.completedFuture(engines.get(shardId).query(query, clock.getAsLong()));
    }
}
