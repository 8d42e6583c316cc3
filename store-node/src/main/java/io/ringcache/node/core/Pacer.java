package io.ringcache.node.core;

import java.util.concurrent.CompletableFuture;

/** Time for the request path: a monotonic clock and a timer (an adapter in production, a fake in tests). */
public interface Pacer {

    /** Monotonic milliseconds, for deadlines only. */
    long nowMillis();

    /** Completes once {@code millis} have passed; exceptionally when the timer is closed. */
    CompletableFuture<Void> after(long millis);
}
