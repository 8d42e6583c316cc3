package io.ringcache.chaos.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks what clients saw of keys written with a time to live against ringcache's documented TTL
 * guarantee. The leader that commits a put stamps it with its wall clock, the key expires at
 * {@code stamp + ttl} on every replica, and a replica answers reads at {@code max(its clock, the
 * log's time)} (raft-groups README, "Time is in the log"). So if no store's clock is ahead of
 * another's by more than {@code bound}:
 * <ul>
 *   <li><b>never late</b>: a read invoked more than {@code ttl + bound} after the put returned
 *       finds the key gone (the stamp was taken before the put returned);</li>
 *   <li><b>never early</b>: a read invoked after an acknowledged put returned, and answered less
 *       than {@code ttl - bound} after the put was invoked, finds the key (the stamp was taken
 *       after the put was invoked, and an acknowledged write is never lost).</li>
 * </ul>
 * Each key is written once, by one client, and read only by it, so nothing else explains a
 * value's absence or presence. Times are the client's monotonic clock, in nanoseconds; a put with
 * an unknown outcome constrains nothing (it may apply at any time). {@link #GRANULARITY_MILLIS}
 * covers the stores' millisecond clock and a ticking expiry.
 */
public final class TtlChecker {

    /** Slack for stamps truncated to whole milliseconds. */
    public static final long GRANULARITY_MILLIS = 5;

    /** One read of a probed key that was answered. */
    public record Read(long invokedAt, long returnedAt, boolean present) {
        public Read {
            if (returnedAt < invokedAt) {
                throw new IllegalArgumentException("read returned before it was invoked");
            }
        }
    }

    /**
     * One key put with {@code ttlMillis} and then read by the same client.
     *
     * @param putReturnedAt {@link Operation#NEVER} when the put's outcome is unknown
     */
    public record Probe(String key, long ttlMillis, long putInvokedAt, long putReturnedAt, List<Read> reads) {
        public Probe {
            Objects.requireNonNull(key, "key");
            reads = List.copyOf(reads);
            if (ttlMillis <= 0 || putReturnedAt < putInvokedAt) {
                throw new IllegalArgumentException("probe " + key + ": ttl " + ttlMillis + " ms, put " + putInvokedAt
                        + ".." + putReturnedAt);
            }
        }

        public boolean acknowledged() {
            return putReturnedAt != Operation.NEVER;
        }
    }

    /** A read that broke the guarantee; {@code byMillis}: how far past the allowed instant it was. */
    public record Violation(String key, String kind, long ttlMillis, Read read, long byMillis) {
        public String describe() {
            return kind + " read of " + key + " (ttl " + ttlMillis + " ms), " + byMillis + " ms beyond the bound";
        }
    }

    /**
     * What a check found. {@code latestPresentMillis}: the largest (read invoked - put returned -
     * ttl) over reads that found the key, whatever the bound (positive: a key was read after its
     * ttl); {@code earliestAbsentMillis}: the largest (ttl - (read returned - put invoked)) over
     * reads after the put that found it gone (positive: a key was gone before its ttl).
     * {@link #NONE} when no read of that kind was made.
     */
    public record Report(int probes, int reads, List<Violation> violations, long latestPresentMillis, long earliestAbsentMillis) {
        public String describe() {
            return probes + " ttl keys, " + reads + " reads, " + violations.size() + " violations; latest read of a live key "
                    + figure(latestPresentMillis) + " after its ttl, earliest miss " + figure(earliestAbsentMillis) + " before it";
        }

        private static String figure(long millis) {
            return millis == NONE ? "none" : millis + " ms";
        }
    }

    /** A figure of {@link Report} that no read gave. */
    public static final long NONE = Long.MIN_VALUE;

    private TtlChecker() {
    }

    /** Checks every acknowledged probe with store clocks assumed within {@code boundMillis} of each other. */
    public static Report check(List<Probe> probes, long boundMillis) {
        if (boundMillis < 0) {
            throw new IllegalArgumentException("negative clock bound " + boundMillis);
        }
        List<Violation> violations = new ArrayList<>();
        long latest = NONE;
        long earliest = NONE;
        int reads = 0;
        int checked = 0;
        long slack = boundMillis + GRANULARITY_MILLIS;
        for (Probe p : probes) {
            if (!p.acknowledged()) {
                continue;
            }
            checked++;
            for (Read r : p.reads()) {
                reads++;
                if (r.present()) {
                    long late = millis(r.invokedAt() - p.putReturnedAt()) - p.ttlMillis();
                    latest = Math.max(latest, late);
                    if (late > slack) {
                        violations.add(new Violation(p.key(), "late", p.ttlMillis(), r, late - slack));
                    }
                } else if (r.invokedAt() >= p.putReturnedAt()) {
                    long early = p.ttlMillis() - millis(r.returnedAt() - p.putInvokedAt());
                    earliest = Math.max(earliest, early);
                    if (early > slack) {
                        violations.add(new Violation(p.key(), "early", p.ttlMillis(), r, early - slack));
                    }
                }
            }
        }
        return new Report(checked, reads, List.copyOf(violations), latest, earliest);
    }

    private static long millis(long nanos) {
        return Math.floorDiv(nanos, 1_000_000);
    }
}
