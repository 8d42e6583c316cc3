package io.ringcache.node.adapter.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timings of the HTTP adapter.
 *
 * @param maxKeyBytes   the largest key accepted, in bytes (UTF-8 of the decoded key); larger answers 413
 * @param maxValueBytes the largest value accepted, in bytes; larger answers 413 before the body is buffered
 * @param kvDeadline    the deadline of each call to the node's KV service
 * @param threads       the server's transport (event loop) threads; they never block
 * @param stopGrace     how long {@link HttpApi#close()} lets running requests finish
 * @param maxInFlight   requests in progress across the node before more are answered 503 (Retry-After)
 * @param blockingThreads the pool for handlers that may block (profiles, joins, metrics)
 */
public record HttpSettings(int maxKeyBytes, int maxValueBytes, Duration kvDeadline, int threads, Duration stopGrace,
                           int maxInFlight, int blockingThreads) {

    public static final int DEFAULT_MAX_KEY_BYTES = 4096;
    public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_KV_DEADLINE = Duration.ofSeconds(10);
    /** One transport thread per core: they only decode, route and encode. */
    public static final int DEFAULT_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    public static final int DEFAULT_MAX_IN_FLIGHT = 16_384;
    public static final int DEFAULT_BLOCKING_THREADS = 4;
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(1);

    public HttpSettings {
        if (maxKeyBytes < 1) {
            throw new IllegalArgumentException("maxKeyBytes must be positive: " + maxKeyBytes);
        }
        // One byte of head room: bodies are read with a cap of maxValueBytes + 1 to detect overflow.
        if (maxValueBytes < 0 || maxValueBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxValueBytes out of range: " + maxValueBytes);
        }
        Objects.requireNonNull(kvDeadline, "kvDeadline");
        if (kvDeadline.isNegative() || kvDeadline.isZero()) {
            throw new IllegalArgumentException("kvDeadline must be positive: " + kvDeadline);
        }
        if (threads < 1 || blockingThreads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads + ", " + blockingThreads);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
        }
        Objects.requireNonNull(stopGrace, "stopGrace");
        if (stopGrace.isNegative()) {
            throw new IllegalArgumentException("stopGrace must not be negative: " + stopGrace);
        }
    }

    /** The given limits with the default deadline, pool size and stop grace. */
    public HttpSettings(int maxKeyBytes, int maxValueBytes) {
        this(maxKeyBytes, maxValueBytes, DEFAULT_KV_DEADLINE, DEFAULT_THREADS, DEFAULT_STOP_GRACE,
                DEFAULT_MAX_IN_FLIGHT, DEFAULT_BLOCKING_THREADS);
    }

    public static HttpSettings defaults() {
        return new HttpSettings(DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES);
    }

    public HttpSettings withKvDeadline(Duration deadline) {
        return new HttpSettings(maxKeyBytes, maxValueBytes, deadline, threads, stopGrace, maxInFlight, blockingThreads);
    }

    public HttpSettings withStopGrace(Duration grace) {
        return new HttpSettings(maxKeyBytes, maxValueBytes, kvDeadline, threads, grace, maxInFlight, blockingThreads);
    }

    public HttpSettings withMaxInFlight(int max) {
        return new HttpSettings(maxKeyBytes, maxValueBytes, kvDeadline, threads, stopGrace, max, blockingThreads);
    }
}
