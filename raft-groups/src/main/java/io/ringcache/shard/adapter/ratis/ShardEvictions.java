package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.EvictionPlanner;
import io.ringcache.shard.core.ShardEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proposes the evictions {@link EvictionPlanner} chooses for the shards this host leads:
 * <ul>
 *   <li>{@link #tick()}, every 100 ms on the host's ticker thread: keeps each shard below the
 *       planner's start share of its budget. A shard with an eviction of the tick in flight is
 *       skipped: its bytes have not dropped yet, and planning again would evict twice.</li>
 *   <li>{@link #roomFor}, on the write path: when a write would take its shard past the urgent
 *       share, the evictions go first, as their own entry, and the write follows when they
 *       applied. The wait is one round of consensus; the write is refused only if the eviction
 *       could not make room (nothing evictable, or {@code noeviction}).</li>
 * </ul>
 */
final class ShardEvictions {

    private static final Logger LOG = LoggerFactory.getLogger(ShardEvictions.class);
    private static final CompletableFuture<Void> NO_WAIT = CompletableFuture.completedFuture(null);

    private final Supplier<? extends Iterable<Integer>> hostedShards;
    private final IntPredicate isReadyLeader;
    private final IntFunction<Optional<ShardEngine>> engines;
    private final BiFunction<Integer, List<Command>, CompletableFuture<List<CommandResult>>> submit;
    private final LongSupplier clockMillis;
    /** False under noeviction: then the write path pays one field read. */
    private final boolean enabled;
    private final Set<Integer> ticking = ConcurrentHashMap.newKeySet();

    ShardEvictions(Supplier<? extends Iterable<Integer>> hostedShards, IntPredicate isReadyLeader,
                   IntFunction<Optional<ShardEngine>> engines,
                   BiFunction<Integer, List<Command>, CompletableFuture<List<CommandResult>>> submit,
                   LongSupplier clockMillis, boolean enabled) {
        this.enabled = enabled;
        this.hostedShards = hostedShards;
        this.isReadyLeader = isReadyLeader;
        this.engines = engines;
        this.submit = submit;
        this.clockMillis = clockMillis;
    }

    /** One round over every hosted shard. Never throws: a failed round is logged and the next one runs. */
    void tick() {
        if (!enabled) {
            return;
        }
        try {
            long now = clockMillis.getAsLong();
            for (int shardId : hostedShards.get()) {
                if (ticking.contains(shardId) || !isReadyLeader.test(shardId)) {
                    continue;
                }
                Optional<ShardEngine> engine = engines.apply(shardId);
                List<Command.Evict> evictions = engine.isEmpty() ? List.of() : engine.get().eviction().planTick(now);
                if (!evictions.isEmpty() && ticking.add(shardId)) {
                    submit.apply(shardId, new ArrayList<>(evictions)).whenComplete((r, e) -> ticking.remove(shardId));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("eviction round failed", e);
        }
    }

    /**
     * Completes when {@code commands} may be proposed to {@code shardId}: at once (the common case,
     * no allocation) unless they would take the shard past the urgent share of its budget, then
     * after an eviction entry applied (or failed: the write then finds what room there is).
     */
    CompletableFuture<Void> roomFor(int shardId, List<Command> commands) {
        if (!enabled) {
            return NO_WAIT;
        }
        Optional<ShardEngine> engine = engines.apply(shardId);
        if (engine.isEmpty()) {
            return NO_WAIT;
        }
        List<Command.Evict> evictions = engine.get().eviction()
                .planRoomFor(EvictionPlanner.growthOf(commands), clockMillis.getAsLong());
        if (evictions.isEmpty()) {
            return NO_WAIT;
        }
        return submit.apply(shardId, new ArrayList<>(evictions)).handle((r, e) -> null);
    }
}
