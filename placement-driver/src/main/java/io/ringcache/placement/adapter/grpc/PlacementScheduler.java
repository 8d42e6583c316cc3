package io.ringcache.placement.adapter.grpc;

import io.ringcache.placement.core.Placement;
import io.ringcache.placement.core.ReplicaMover;
import io.ringcache.placement.core.ReplicaPlanner;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs placement's replica additions one at a time on its own thread: on demand (a store
 * registered) and every few seconds (to retry what failed). One move at a time keeps every
 * shard's majority safe while a replica catches up.
 */
public final class PlacementScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementScheduler.class);

    private final Placement placement;
    private final ReplicaMover mover;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ringcache-placement");
        t.setDaemon(true);
        return t;
    });

    public PlacementScheduler(Placement placement, ReplicaMover mover) {
        this.placement = placement;
        this.mover = mover;
    }

    public PlacementScheduler start() {
        executor.scheduleWithFixedDelay(this::runDue, 1, 3, TimeUnit.SECONDS);
        return this;
    }

    /** Runs due moves soon, without waiting for the next period. */
    public void wake() {
        executor.execute(this::runDue);
    }

    private void runDue() {
        List<ReplicaPlanner.Addition> due = placement.pendingAdditions();
        for (ReplicaPlanner.Addition a : due) {
            try {
                mover.addReplica(placement.map(), a.shardId(), a.storeId());
                placement.replicaAdded(a.shardId(), a.storeId());
                LOG.info("shard {} gained a replica on store {}", a.shardId(), a.storeId());
            } catch (Exception e) {
                LOG.warn("adding a replica of shard {} on store {} failed, will retry: {}", a.shardId(), a.storeId(),
                        e.getMessage());
                return;
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
