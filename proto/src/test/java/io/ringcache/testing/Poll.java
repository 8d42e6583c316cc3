package io.ringcache.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a condition in tests, in one place (shipped in proto's test jar): tests wait for
 * what they need instead of sleeping a guessed time. The bound only limits how long a broken run
 * hangs; passing never depends on it, so it is generous.
 */
public final class Poll {

    /** The default bound: Raft elections and process starts on a loaded 2-core machine. */
    public static final Duration DEFAULT = Duration.ofSeconds(60);
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Poll() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after {@link #DEFAULT}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition, () -> "");
    }

    /**
     * Returns once {@code condition} holds; fails after {@code bound} with {@code what} and the
     * {@code detail} at that moment (state worth seeing when it fails, e.g. logs).
     */
    public static void until(String what, Duration bound, BooleanSupplier condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                String more = detail.get();
                throw new AssertionError("gave up after " + bound.toSeconds() + " s waiting for " + what
                        + (more.isEmpty() ? "" : ": " + more));
            }
            try {
                TimeUnit.NANOSECONDS.sleep(PAUSE_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
