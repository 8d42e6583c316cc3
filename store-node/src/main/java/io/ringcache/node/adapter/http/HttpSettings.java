package io.ringcache.node.adapter.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timings of the HTTP adapter.
 *
 * @param maxKeyBytes   the largest key accepted, in bytes (UTF-8 of the decoded key); larger answers 413
 * @param maxValueBytes the largest value accepted, in bytes; larger answers 413 before the body is buffered
 * @param kvDeadline    the deadline of each call to the node's KV service
 * @param threads       the size of the HTTP server's worker pool
 * @param stopGrace     how long {@link HttpApi#close()} lets running exchanges finish
 */
public record HttpSettings(int maxKeyBytes, int maxValueBytes, Duration kvDeadline, int threads, Duration stopGrace) {

    public static final int DEFAULT_MAX_KEY_BYTES = 4096;
    public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_KV_DEADLINE = Duration.ofSeconds(10);
    public static final int DEFAULT_THREADS = 16;
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
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        Objects.requireNonNull(stopGrace, "stopGrace");
        if (stopGrace.isNegative()) {
            throw new IllegalArgumentException("stopGrace must not be negative: " + stopGrace);
        }
    }

    /** The given limits with the default deadline, pool size and stop grace. */
    public HttpSettings(int maxKeyBytes, int maxValueBytes) {
        this(maxKeyBytes, maxValueBytes, DEFAULT_KV_DEADLINE, DEFAULT_THREADS, DEFAULT_STOP_GRACE);
    }

    public static HttpSettings defaults() {
        return new HttpSettings(DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES);
    }

    public HttpSettings withKvDeadline(Duration deadline) {
        return new HttpSettings(maxKeyBytes, maxValueBytes, deadline, threads, stopGrace);
    }

    public HttpSettings withStopGrace(Duration grace) {
        return new HttpSettings(maxKeyBytes, maxValueBytes, kvDeadline, threads, grace);
    }
}
