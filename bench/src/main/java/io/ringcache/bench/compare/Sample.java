package io.ringcache.bench.compare;

/**
 * One measured run of one store in one cell: operations per second (a batch counts once),
 * latency percentiles over every operation completed in the window (nanoseconds, -1 when none
 * completed), failed operations and operations still outstanding after the drain.
 */
public record Sample(double opsPerSecond, long p50Nanos, long p99Nanos, long errors, int undrained) {
}
