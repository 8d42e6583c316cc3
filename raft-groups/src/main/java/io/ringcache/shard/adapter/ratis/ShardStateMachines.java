package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.ShardStore;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.statemachine.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the state machine of each shard replica the host's Raft server starts (its registry):
 * the replica's store (a split child's store filled ahead by its parent's copy, else a new one)
 * under an engine; and relays what the replicas report, a failed Raft log and every leader
 * change, to the handlers the host was given. The handlers may be set before or after the
 * server starts; a replica always reads the current one. Owned by {@link ShardGroupHost}.
 */
final class ShardStateMachines implements LeaderChangeListener {

    private static final Logger LOG = LoggerFactory.getLogger(ShardStateMachines.class);

    private final IntFunction<ShardStore> stores;
    private final ShardLimits limits;
    private final LongSupplier clockMillis;
    private volatile BiConsumer<Integer, Throwable> logFailure =
            (shard, cause) -> LOG.error("shard {}: Raft log failed: {}", shard, cause.toString());
    private volatile LeaderChangeListener leaderChanges = (shard, leader, here) -> { };

    ShardStateMachines(IntFunction<ShardStore> stores, ShardLimits limits, LongSupplier clockMillis) {
        this.stores = stores;
        this.limits = limits;
        this.clockMillis = clockMillis;
    }

    /** The server's registry: one state machine per group it starts, the splits' hand-over through {@code seeds}. */
    StateMachine.Registry registry(SplitSeeds seeds) {
        return groupId -> newStateMachine(groupId, seeds);
    }

    void onLogFailure(BiConsumer<Integer, Throwable> handler) {
        this.logFailure = handler;
    }

    void onLeaderChange(LeaderChangeListener listener) {
        this.leaderChanges = listener;
    }

    /** Tells the handler that {@code shard}'s Raft log failed here. */
    void logFailed(int shard, Throwable cause) {
        logFailure.accept(shard, cause);
    }

    @Override
    public void leaderChanged(int shardId, String leaderId, boolean electedHere) {
        leaderChanges.leaderChanged(shardId, leaderId, electedHere);
    }

    @Override
    public void leaderReady(int shardId) {
        leaderChanges.leaderReady(shardId);
    }

    private ShardStateMachine newStateMachine(RaftGroupId groupId, SplitSeeds seeds) {
        int shardId = ShardGroups.shardId(groupId);
        // A split child whose parent's replica here filled its store ahead adopts it (SplitCopies).
        Optional<SplitCopies.FilledStore> filled = seeds.takeFilled(shardId);
        ShardStore store = filled.map(SplitCopies.FilledStore::store).orElseGet(() -> stores.apply(shardId));
        ShardStateMachine sm = new ShardStateMachine(new ShardEngine(shardId, store, limits, seeds), clockMillis,
                cause -> logFailed(shardId, cause), seeds, filled.orElse(null));
        sm.whenLeaderChanged(this);
        return sm;
    }
}
