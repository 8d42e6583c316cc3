package io.ringcache.node.adapter.profiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profiler facade: the JFR fallback, durations, one at a time, cleanup on interruption. */
class ProfilerTest {

    @TempDir
    Path temp;

    private ProfilingLoad load;

    @BeforeEach
    void start() {
        load = new ProfilingLoad();
    }

    @AfterEach
    void stop() {
        load.close();
    }

    @Test
    void withoutAsyncProfilerJfrSamplesTheCpuAndTheSameConverterMakesPprof() throws Exception {
        Profiler jfrOnly = Profiler.create(temp, false);
        assertEquals("jdk.jfr", jfrOnly.backend());
        try (Capture capture = jfrOnly.profile(ProfileKind.CPU, Duration.ofSeconds(1))) {
            assertEquals("jdk.jfr", capture.backend());
            Pprof p = Pprof.parseGzipped(capture.bytes());
            assertEquals(java.util.List.of("cpu/count"), p.sampleTypes());
            assertTrue(p.samples() > 0, "no samples");
            assertTrue(p.sampled("ProfilingLoad.spin"), () -> "the spinning thread is not in " + p.sampledFunctions());
        }
        assertEmpty(temp);
    }

    @Test
    void withoutAsyncProfilerAllocationAndLockProfilesStillParse() throws Exception {
        Profiler jfrOnly = Profiler.create(temp, false);
        try (Capture heap = jfrOnly.profile(ProfileKind.ALLOC, Duration.ofSeconds(1))) {
            assertEquals("allocations/bytes", Pprof.parseGzipped(heap.bytes()).sampleTypes().get(0));
        }
        try (Capture block = jfrOnly.profile(ProfileKind.LOCK, Duration.ofSeconds(1))) {
            assertEquals("locks/nanoseconds", Pprof.parseGzipped(block.bytes()).sampleTypes().get(0));
        }
        assertEmpty(temp);
    }

    @Test
    void asyncProfilerLoadsHere() {
        assertTrue(Profiler.create(temp, true).backend().startsWith("async-profiler "),
                "async-profiler's native library should load on this platform");
    }

    @Test
    void durationsOutsideOneToThreeHundredSecondsAreRefused() {
        Profiler profiler = Profiler.create(temp, true);
        assertThrows(IllegalArgumentException.class, () -> profiler.profile(ProfileKind.CPU, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> profiler.profile(ProfileKind.CPU, Duration.ofMillis(999)));
        assertThrows(IllegalArgumentException.class, () -> profiler.recordJfr(Duration.ofSeconds(301)));
    }

    @Test
    void anInterruptedProfileStopsTheProfilerAndLeavesNothing() throws Exception {
        Profiler profiler = Profiler.create(temp, true);
        AtomicReference<Thread> worker = new AtomicReference<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch started = new CountDownLatch(1);
            Future<?> running = pool.submit(() -> {
                worker.set(Thread.currentThread());
                started.countDown();
                profiler.profile(ProfileKind.CPU, Duration.ofSeconds(60)).close();
                return null;
            });
            started.await();
            awaitProfiling(worker.get());
            assertThrows(ProfilerBusyException.class, () -> profiler.profile(ProfileKind.LOCK, Duration.ofSeconds(1)));
            running.cancel(true);
            // The semaphore is released and the profiler stopped: a new profile starts and completes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (Capture again = profiler.profile(ProfileKind.CPU, Duration.ofSeconds(1))) {
                    assertTrue(Pprof.parseGzipped(again.bytes()).samples() > 0);
                    break;
                } catch (ProfilerBusyException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(20);
                }
            }
            assertEmpty(temp);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    /** Waits until {@code worker} is inside the profiler, sampling. */
    private static void awaitProfiling(Thread worker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (StackTraceElement frame : worker.getStackTrace()) {
                if (frame.getClassName().equals(Profiler.class.getName()) && frame.getMethodName().startsWith("recordWith")) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the profile never started");
    }

    private static void assertEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(java.util.List.of(), files.toList());
        }
    }
}
