package io.ringcache.chaos.adapter.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * A workload's client threads: each runs its step for n = 0, 1, 2, ... until {@link #close},
 * which waits for the calls in flight (each bounded by its client's timeout). Daemon threads, so
 * a harness that dies does not hang on them.
 */
final class ClientThreads implements AutoCloseable {

    /** One client's n-th operation. */
    @FunctionalInterface
    interface Step {
        void run(int n);
    }

    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /** Starts {@code count} threads named {@code name-<c>}; thread c runs the step {@code clients} makes for c. */
    void start(String name, int count, IntFunction<Step> clients) {
        for (int c = 0; c < count; c++) {
            Step step = clients.apply(c);
            Thread t = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    step.run(n);
                }
            }, name + "-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    /** True once {@link #close} began: a step in a long loop of its own returns early. */
    boolean stopping() {
        return stop.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
