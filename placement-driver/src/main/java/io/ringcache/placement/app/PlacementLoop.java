package io.ringcache.placement.app;

import io.ringcache.placement.core.PlacementMembership;
import io.ringcache.placement.core.Operator;
import io.ringcache.placement.core.OperatorId;
import io.ringcache.placement.core.PlacementDriver;
import io.ringcache.placement.core.PlacementState;
import io.ringcache.placement.core.PlacementRounds;
import io.ringcache.placement.core.StepExecutor;
import io.ringcache.placement.core.StepTask;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PD leader's scheduling loop, as threads: every period (and on {@link #wake}) a round of
 * {@link PlacementRounds} on one thread, so rounds never overlap; the calls it hands out run
 * beside it on a small pool, at most one per operator (the driver ensures that). Everything it
 * decides lives in {@link PlacementRounds}; this class adds the timer, the pool and log lines.
 */
public final class PlacementLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementLoop.class);

    private final PlacementDriver driver;
    private final PlacementMembership membership;
    private final PlacementRounds placement;
    private final long periodMillis;
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ringcache-pd-loop"));
    private final ExecutorService calls = Executors.newFixedThreadPool(4, r -> daemon(r, "ringcache-pd-call"));
    private final Map<OperatorId, String> seen = new HashMap<>();
    private final Map<String, String> storeStates = new HashMap<>();

    public PlacementLoop(PlacementDriver driver, PlacementMembership membership, StepExecutor executor,
                         LongSupplier clock, long periodMillis) {
        this.driver = driver;
        this.membership = membership;
        this.placement = new PlacementRounds(driver, executor, clock);
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
            PlacementRounds.Round round = placement.round(membership.isReadyLeader());
            switch (round.leadership()) {
                case BECAME_LEADER -> LOG.info("placement driver leads; scheduling");
                case STOPPED_LEADING -> LOG.info("placement driver no longer leads; scheduling stops here");
                default -> { }
            }
            for (StepTask task : round.tasks()) {
                calls.execute(() -> run(task));
            }
            if (round.leadership() == PlacementRounds.Leadership.LEADS
                    || round.leadership() == PlacementRounds.Leadership.BECAME_LEADER) {
                logTransitions(driver.state());
            }
        } catch (Exception e) {
            LOG.warn("placement round failed: {}", e.toString());
        }
    }

    private void run(StepTask task) {
        try {
            Optional<String> failure = placement.run(task);
            if (failure.isEmpty()) {
                wake();
            } else {
                LOG.info("{} {} failed, will retry: {}", task.key(), task.step().label(), failure.get());
            }
        } catch (Exception e) {
            LOG.warn("recording the outcome of {} failed: {}", task.key(), e.toString());
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
