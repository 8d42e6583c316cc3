package io.ringcache.node.core;

/**
 * How the caller wants its request routed.
 *
 * @param epoch        the partition map epoch the caller routed with (0: none)
 * @param forward      true: any store serves the request, sending it to the shard's leader and
 *                     waiting for a leader within the budget; false: a store that does not lead
 *                     the shard answers NotLeader or StaleEpoch at once (a smart client's route)
 * @param budgetMillis how long the request may take, waits for a leader included
 */
public record Routing(long epoch, boolean forward, long budgetMillis) {

    public Routing {
        if (budgetMillis < 0) {
            throw new IllegalArgumentException("budgetMillis must not be negative: " + budgetMillis);
        }
    }

    /** Any store serves it, within {@code budgetMillis}: what HTTP and RESP clients get. */
    public static Routing anyStore(long budgetMillis) {
        return new Routing(0, true, budgetMillis);
    }
}
