package io.ringcache.node.adapter.profiling;

import java.util.ArrayList;
import java.util.List;

/** Daemon threads that burn CPU, allocate and contend for a monitor, so every profile kind has samples. */
final class ProfilingLoad implements AutoCloseable {

    static volatile Object sink;
    static volatile long spun;

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    ProfilingLoad() {
        start("profiling-load-spin", this::spin);
        start("profiling-load-alloc", this::allocate);
        Object monitor = new Object();
        for (int i = 0; i < 3; i++) {
            start("profiling-load-lock-" + i, () -> contend(monitor));
        }
    }

    private void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void spin() {
        long x = 0;
        while (running) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            spun = x;
        }
    }

    private void allocate() {
        while (running) {
            sink = new byte[1024];
            Thread.onSpinWait();
        }
    }

    private void contend(Object monitor) {
        while (running) {
            synchronized (monitor) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            t.interrupt();
        }
        try {
            for (Thread t : threads) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
