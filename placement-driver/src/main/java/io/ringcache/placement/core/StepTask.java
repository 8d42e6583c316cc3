package io.ringcache.placement.core;

import java.util.List;

/**
 * Calls the PD leader must make now: an operator's step, or the removal of a stale replica (then
 * {@code operatorId} is empty). The result goes back to {@link PlacementDriver#taskSucceeded} or
 * {@link PlacementDriver#taskFailed}; results for an operator that moved on meanwhile are ignored.
 */
public record StepTask(String key, String operatorId, OperatorStep step, List<StepAction> actions) {
}
