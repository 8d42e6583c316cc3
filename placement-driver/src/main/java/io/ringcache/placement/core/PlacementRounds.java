package io.ringcache.placement.core;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What the PD leader's scheduling loop does, without its threads: each round it learns whether
 * this member is the ready leader, resets the driver's soft state when it has just become one
 * ({@link PlacementDriver#takeOver}), and asks for the calls due; each call is run through the
 * {@link StepExecutor} and its outcome reported back. The production loop (the app's
 * {@code PlacementLoop}) adds only a timer, a small pool and log lines; the placement simulation
 * drives this class with an in-memory cluster behind the port.
 *
 * <p>Threads: {@link #round} from one thread at a time (rounds never overlap); {@link #run} from
 * any thread, concurrently for different tasks (the driver hands out at most one call per
 * operator). The driver's own monitor orders what they report.
 */
public final class PlacementRounds {

    /** What a round saw of leadership, for the loop's log lines. */
    public enum Leadership { LEADS, BECAME_LEADER, STOPPED_LEADING, FOLLOWS }

    /** A round's result: the calls due (empty unless leading) and the leadership change it saw. */
    public record Round(Leadership leadership, List<StepTask> tasks) {
    }

    private final PlacementDriver driver;
    private final StepExecutor executor;
    private final LongSupplier clock;
    private boolean leading;

    public PlacementRounds(PlacementDriver driver, StepExecutor executor, LongSupplier clock) {
        this.driver = driver;
        this.executor = executor;
        this.clock = clock;
    }

    /** One round; {@code readyLeader}: this member leads the PD group and has applied its log. */
    public Round round(boolean readyLeader) throws IOException {
        if (!readyLeader) {
            Leadership l = leading ? Leadership.STOPPED_LEADING : Leadership.FOLLOWS;
            leading = false;
            return new Round(l, List.of());
        }
        Leadership l = Leadership.LEADS;
        if (!leading) {
            driver.takeOver(clock.getAsLong());
            leading = true;
            l = Leadership.BECAME_LEADER;
        }
        return new Round(l, driver.tick(clock.getAsLong()));
    }

    /**
     * Runs the task's calls in order against the map of the moment, stopping at the first that
     * fails, and reports the outcome to the driver: a call that failed, or a success that could
     * not be recorded, is reported as the task's failure (the driver retries it). Returns the
     * failure's reason, or empty.
     *
     * @throws IOException when even the failure could not be recorded
     */
    public Optional<String> run(StepTask task) throws IOException {
        PartitionMap map = driver.state().map();
        try {
            for (StepAction action : task.actions()) {
                executor.execute(action, map);
            }
            driver.taskSucceeded(task, clock.getAsLong());
            return Optional.empty();
        } catch (RuntimeException | IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            driver.taskFailed(task, reason, clock.getAsLong());
            return Optional.of(reason);
        }
    }
}
