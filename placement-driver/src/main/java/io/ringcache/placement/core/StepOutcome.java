package io.ringcache.placement.core;

import java.util.List;

/**
 * What {@link OperatorSteps} decided for one operator now.
 */
public sealed interface StepOutcome {

    /** Run these calls in order; report the result to {@link OperatorSteps#succeeded}/{@code failed}. */
    record Run(List<StepAction> actions) implements StepOutcome {
    }

    /** Commit this state change (the operator advanced or ended without a call). */
    record Advance(Operator op, PartitionMap map) implements StepOutcome {
    }

    /** Nothing to do yet; the reason is shown on the operator. */
    record Wait(String reason) implements StepOutcome {
    }
}
