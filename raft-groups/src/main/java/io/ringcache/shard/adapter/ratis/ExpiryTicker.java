package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.ExpiryPolicy;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ExpiryPolicy} over every shard a host holds, once per tick on the host's ticker
 * thread, and proposes what it plans through the host's own request path. A proposal that fails
 * after its keys were drained from the index asks for a rebuild, so a replica that leads again
 * (or still leads) finds those keys again.
 */
final class ExpiryTicker {

    private static final Logger LOG = LoggerFactory.getLogger(ExpiryTicker.class);

    private final ShardGroupHost host;
    private final LongSupplier clockMillis;

    ExpiryTicker(ShardGroupHost host, LongSupplier clockMillis) {
        this.host = host;
        this.clockMillis = clockMillis;
    }

    /** One round over every hosted shard. Never throws: a failed round is logged and the next one runs. */
    void tick() {
        try {
            long now = clockMillis.getAsLong();
            for (int shardId : host.hostedShards()) {
                Optional<ShardStateMachine> sm = host.stateMachine(shardId);
                if (sm.isEmpty()) {
                    continue;
                }
                boolean serving = host.isReadyLeader(shardId);
                boolean rebuild = serving && sm.get().takeExpiryRebuild();
                for (Command.Expire expire : ExpiryPolicy.tick(sm.get().engine(), serving, rebuild, now)) {
                    host.submit(shardId, List.of(expire)).whenComplete((results, error) -> {
                        if (error != null) {
                            // The drained keys are no longer indexed: rebuild if this host leads again.
                            sm.get().requestExpiryRebuild();
                        }
                    });
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("expiry round failed on {}", host.peerId(), e);
        }
    }
}
