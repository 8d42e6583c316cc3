package io.ringcache.client.core;

import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter (a random wait between 0 and the capped exponential
 * step), so many clients retrying after the same failure do not retry in lockstep. Pure: the
 * random source is injected.
 */
public final class Backoff {

    private final long baseMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    /**
     * @param random values in [0, 1)
     */
    public Backoff(long baseMillis, long maxMillis, DoubleSupplier random) {
        if (baseMillis < 1 || maxMillis < baseMillis) {
            throw new IllegalArgumentException("backoff needs 1 <= base <= max, not " + baseMillis + ", " + maxMillis);
        }
        this.baseMillis = baseMillis;
        this.maxMillis = maxMillis;
        this.random = random;
    }

    /** The wait before retry number {@code attempt} (1 = first retry), never past {@code remainingMillis}. */
    public long delayMillis(int attempt, long remainingMillis) {
        long step = Math.min(maxMillis, baseMillis << Math.min(Math.max(attempt - 1, 0), 20));
        long jittered = (long) (random.getAsDouble() * (step + 1));
        return Math.max(0, Math.min(jittered, remainingMillis));
    }
}
