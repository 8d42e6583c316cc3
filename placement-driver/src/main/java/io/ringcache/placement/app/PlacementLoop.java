package io.ringcache.placement.app;

import io.ringcache.placement.adapter.grpc.GrpcStepExecutor;
import io.ringcache.placement.core.PlacementMembership;
import io.ringcache.placement.core.Operator;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.PlacementDriver;
import io.ringcache.placement.core.PlacementState;
import io.ringcache.placement.core.StepAction;
import io.ringcache.placement.core.StepTask;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PD leader's scheduling loop: every round (and on {@link #wake}) it asks the driver for the
 * calls due and runs them on a small pool, reporting each result back. Rounds run on one thread,
 * so they never overlap; calls run beside it, at most one per operator (the driver ensures that).
 * On members that do not lead the loop idles; on becoming the ready leader it resets the
 * driver's soft state ({@link PlacementDriver#takeOver}).
 */
public final class PlacementLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementLoop.class);

    private final PlacementDriver driver;
    private final PlacementMembership membership;
    private final GrpcStepExecutor executor;
    private final LongSupplier clock;
    private final long periodMillis;
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ringcache-pd-loop"));
    private final ExecutorService calls = Executors.newFixedThreadPool(4, r -> daemon(r, "ringcache-pd-call"));
    private final Map<String, String> seen = new HashMap<>();
    private final Map<String, String> storeStates = new HashMap<>();
    private boolean leading;

    public PlacementLoop(PlacementDriver driver, PlacementMembership membership, GrpcStepExecutor executor,
                         LongSupplier clock, long periodMillis) {
        this.driver = driver;
        this.membership = membership;
        this.executor = executor;
        this.clock = clock;
        this.periodMillis = periodMillis;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public PlacementLoop start() {
        rounds.scheduleWithFixedDelay(this::round, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Runs a round soon, without waiting for the period. */
    public void wake() {
        try {
            rounds.execute(this::round);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void round() {
        try {
            if (!membership.isReadyLeader()) {
                if (leading) {
                    LOG.info("placement driver no longer leads; scheduling stops here");
                }
                leading = false;
                return;
            }
            if (!leading) {
                driver.takeOver(clock.getAsLong());
                leading = true;
                LOG.info("placement driver leads; scheduling");
            }
            List<StepTask> tasks = driver.tick(clock.getAsLong());
            for (StepTask task : tasks) {
                calls.execute(() -> run(task));
            }
            logTransitions(driver.state());
        } catch (Exception e) {
            LOG.warn("placement round failed: {}", e.toString());
        }
    }

    private void run(StepTask task) {
        PartitionMap map = driver.state().map();
        try {
            for (StepAction action : task.actions()) {
                executor.execute(action, map);
            }
            driver.taskSucceeded(task, clock.getAsLong());
            wake();
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.info("{} {} failed, will retry: {}", task.operatorId().isEmpty() ? "stale replica cleanup" : task.operatorId(),
                    task.step().label(), reason);
            try {
                driver.taskFailed(task, reason, clock.getAsLong());
            } catch (Exception again) {
                LOG.warn("recording the failure of {} failed: {}", task.key(), again.toString());
            }
        }
    }

    /** One log line per operator state change, for operators' eyes. */
    private void logTransitions(PlacementState state) {
        for (Operator op : state.operators().values()) {
            String now = op.status() + "/" + op.step().label();
            String before = seen.put(op.id(), now);
            if (!now.equals(before)) {
                LOG.info("operator {}: shard {} {} {} -> {} ({}): {}{}", op.id(), op.shardId(), op.kind(),
                        op.source().isEmpty() ? "-" : op.source(), op.target().isEmpty() ? "-" : op.target(), op.origin(),
                        now, op.reason().isEmpty() ? "" : " (" + op.reason() + ")");
            }
        }
        seen.keySet().retainAll(state.operators().keySet());
        if (state.map() != null) {
            for (var store : state.map().stores().values()) {
                String before = storeStates.put(store.id(), store.state().name());
                if (!store.state().name().equals(before)) {
                    LOG.info("store {} is {}{}", store.id(), store.state(), before == null ? "" : " (was " + before + ")");
                }
            }
        }
    }

    @Override
    public void close() {
        rounds.shutdownNow();
        calls.shutdownNow();
    }
}
