package io.ringcache.node.adapter.time;

import io.ringcache.node.core.Pacer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The request path's time: {@link System#nanoTime()} and one daemon timer thread. A pause's
 * continuation runs on the timer thread only long enough to start the next try (routing and an
 * asynchronous call), never blocking it.
 */
public final class ScheduledPacer implements Pacer, AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ringcache-request-timer");
        t.setDaemon(true);
        return t;
    });

    @Override
    public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    @Override
    public CompletableFuture<Void> after(long millis) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            timer.schedule(() -> done.complete(null), millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            done.completeExceptionally(closed); // closing: the caller answers with what it has
        }
        return done;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
