package io.ringcache.placement.core;

import java.util.List;
import java.util.Optional;

/**
 * Calls the PD leader must make now: an operator's step, or the removal of a stale replica. The
 * result goes back to {@link PlacementDriver#taskSucceeded} or {@link PlacementDriver#taskFailed};
 * results for an operator that moved on meanwhile are ignored.
 */
public record StepTask(TaskKey key, OperatorStep step, List<StepAction> actions) {

    /** The operator whose step this is; empty for a stale replica's removal. */
    public Optional<OperatorId> operatorId() {
        return key instanceof TaskKey.OfOperator o ? Optional.of(o.id()) : Optional.empty();
    }
}
