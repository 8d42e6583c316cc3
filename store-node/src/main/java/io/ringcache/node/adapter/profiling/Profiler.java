package io.ringcache.node.adapter.profiling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import one.convert.Arguments;
import one.convert.JfrToPprof;
import one.profiler.AsyncProfiler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sampled profiles of this JVM as gzipped pprof protobuf ({@code go tool pprof} reads them), and raw
 * JFR recordings.
 *
 * <p>Profiles are taken by async-profiler in-process (CPU with {@code event=cpu}, else {@code itimer},
 * which works without perf events; {@code alloc}; {@code lock}), recorded as JFR and converted to pprof
 * by async-profiler's jfr-converter. Where async-profiler cannot load or start, the JDK's own
 * {@link Recording} takes its place ({@code jdk.ExecutionSample}, {@code jdk.ObjectAllocationSample},
 * {@code jdk.JavaMonitorEnter}) and the same converter turns it into pprof.
 *
 * <p>One profile or recording runs at a time in the whole JVM (the profiler is process-wide): another
 * request meanwhile gets {@link ProfilerBusyException}. A profiler is always stopped before a call
 * returns or throws, interrupted or not, and the temporary files live in a private directory that
 * {@link Capture#close()} (or a failure) deletes.
 */
public final class Profiler {

    public static final Duration MIN_DURATION = Duration.ofSeconds(1);
    public static final Duration MAX_DURATION = Duration.ofSeconds(300);

    private static final Logger LOG = LoggerFactory.getLogger(Profiler.class);
    private static final String ASYNC = "async-profiler";
    private static final String JDK = "jdk.jfr";
    private static final Semaphore ONE_AT_A_TIME = new Semaphore(1);

    private final Path tempRoot;
    private final boolean tryAsyncProfiler;

    private Profiler(Path tempRoot, boolean tryAsyncProfiler) {
        this.tempRoot = Objects.requireNonNull(tempRoot, "tempRoot");
        this.tryAsyncProfiler = tryAsyncProfiler;
    }

    /** Profiles with async-profiler where it loads, else with JFR; temporary files under {@code java.io.tmpdir}. */
    public static Profiler create() {
        return new Profiler(Path.of(System.getProperty("java.io.tmpdir")), true);
    }

    /**
     * @param tempRoot         where each capture's private temporary directory is made
     * @param tryAsyncProfiler false to profile with JFR only
     */
    public static Profiler create(Path tempRoot, boolean tryAsyncProfiler) {
        return new Profiler(tempRoot, tryAsyncProfiler);
    }

    /** Which profiler profiles take: {@code async-profiler <version>} or {@code jdk.jfr}. */
    public String backend() {
        AsyncProfiler async = asyncProfiler();
        return async == null ? JDK : ASYNC + " " + AsyncHolder.VERSION;
    }

    /**
     * Samples {@code kind} for {@code duration} and returns the profile as gzipped pprof protobuf.
     *
     * @throws IllegalArgumentException if the duration is outside 1 s..300 s
     * @throws ProfilerBusyException    if another profile or recording is running
     * @throws InterruptedException     if interrupted while sampling (the profiler is stopped, nothing is kept)
     */
    public Capture profile(ProfileKind kind, Duration duration) throws IOException, InterruptedException {
        Objects.requireNonNull(kind, "kind");
        checkDuration(duration);
        acquire();
        Path dir = null;
        try {
            dir = Files.createTempDirectory(tempRoot, "ringcache-profile-");
            Path jfr = dir.resolve("profile.jfr");
            String backend = recordWithAsyncProfiler(kind, duration, jfr) ? ASYNC : JDK;
            if (JDK.equals(backend)) {
                recordWithJfr(kind, duration, jfr);
            }
            Path pprof = dir.resolve("profile.pb.gz");
            convert(kind, jfr, pprof);
            Files.deleteIfExists(jfr);
            Capture capture = new Capture(dir, pprof, backend);
            dir = null;
            return capture;
        } finally {
            Capture.deleteTree(dir);
            ONE_AT_A_TIME.release();
        }
    }

    /**
     * Records a JFR file with the JDK's {@code profile} settings for {@code duration}.
     *
     * @throws IllegalArgumentException if the duration is outside 1 s..300 s
     * @throws ProfilerBusyException    if another profile or recording is running
     */
    public Capture recordJfr(Duration duration) throws IOException, InterruptedException {
        checkDuration(duration);
        acquire();
        Path dir = null;
        try {
            dir = Files.createTempDirectory(tempRoot, "ringcache-jfr-");
            Path file = dir.resolve("recording.jfr");
            Configuration settings;
            try {
                settings = Configuration.getConfiguration("profile");
            } catch (ParseException e) {
                throw new IOException("cannot read the JDK's 'profile' JFR settings", e);
            }
            try (Recording recording = new Recording(settings)) {
                recording.setName("ringcache /debug/jfr");
                recording.setToDisk(true);
                recording.start();
                try {
                    Thread.sleep(duration.toMillis());
                } finally {
                    recording.stop();
                }
                recording.dump(file);
            }
            Capture capture = new Capture(dir, file, JDK);
            dir = null;
            return capture;
        } finally {
            Capture.deleteTree(dir);
            ONE_AT_A_TIME.release();
        }
    }

    private static void checkDuration(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be between " + MIN_DURATION.toSeconds() + " and "
                    + MAX_DURATION.toSeconds() + " seconds: " + duration);
        }
    }

    private static void acquire() {
        if (!ONE_AT_A_TIME.tryAcquire()) {
            throw new ProfilerBusyException("a profile or recording is already running; one runs at a time");
        }
    }

    /**
     * Records {@code kind} into {@code jfr} with async-profiler.
     *
     * @return false if async-profiler is unavailable or would not start (the caller falls back to JFR)
     */
    private boolean recordWithAsyncProfiler(ProfileKind kind, Duration duration, Path jfr)
            throws InterruptedException {
        AsyncProfiler async = asyncProfiler();
        if (async == null) {
            return false;
        }
        String file = jfr.toAbsolutePath().toString();
        if (file.indexOf(',') >= 0) {
            LOG.warn("async-profiler cannot write to a path with a comma ({}); profiling with JFR", file);
            return false;
        }
        Exception failure = null;
        for (String event : events(kind)) {
            try {
                async.execute("start,event=" + event + ",jfr,file=" + file);
            } catch (IllegalStateException e) {
                // Started by someone else (an agent, jcmd): it is busy, and it is not ours to stop.
                String message = String.valueOf(e.getMessage());
                if (message.contains("already")) {
                    throw new ProfilerBusyException("async-profiler is already running in this JVM: " + message);
                }
                failure = e;
                continue;
            } catch (IOException | RuntimeException e) {
                failure = e;
                continue;
            }
            try {
                Thread.sleep(duration.toMillis());
            } finally {
                stop(async);
            }
            return true;
        }
        LOG.warn("async-profiler would not start a {} profile ({}); profiling with JFR instead", kind, String.valueOf(failure));
        return false;
    }

    private static List<String> events(ProfileKind kind) {
        return switch (kind) {
            case CPU -> List.of("cpu", "itimer");
            case ALLOC -> List.of("alloc");
            case LOCK -> List.of("lock");
        };
    }

    private static void stop(AsyncProfiler async) {
        try {
            async.execute("stop");
        } catch (IOException | RuntimeException e) {
            LOG.warn("stopping async-profiler failed: {}", e.toString());
        }
    }

    private static void recordWithJfr(ProfileKind kind, Duration duration, Path jfr)
            throws IOException, InterruptedException {
        try (Recording recording = new Recording()) {
            recording.setName("ringcache " + kind.name().toLowerCase(java.util.Locale.ROOT) + " profile");
            switch (kind) {
                case CPU -> recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
                case ALLOC -> recording.enable("jdk.ObjectAllocationSample").with("throttle", "300/s").withStackTrace();
                case LOCK -> recording.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ofMillis(1)).withStackTrace();
                default -> throw new IllegalStateException("unknown profile kind " + kind);
            }
            recording.setToDisk(true);
            recording.start();
            try {
                Thread.sleep(duration.toMillis());
            } finally {
                recording.stop();
            }
            recording.dump(jfr);
        }
    }

    private static void convert(ProfileKind kind, Path jfr, Path pprof) throws IOException {
        try {
            JfrToPprof.convert(jfr.toString(), pprof.toString(), new Arguments(kind.converterArguments()));
        } catch (RuntimeException e) {
            throw new IOException("converting the JFR recording to pprof failed", e);
        }
    }

    /** async-profiler, loaded once per JVM on first use; null where it cannot load. */
    private AsyncProfiler asyncProfiler() {
        return tryAsyncProfiler ? AsyncHolder.INSTANCE : null;
    }

    private static final class AsyncHolder {
        static final AsyncProfiler INSTANCE;
        static final String VERSION;

        static {
            AsyncProfiler loaded = null;
            String version = null;
            try {
                loaded = AsyncProfiler.getInstance();
                version = loaded.getVersion();
                LOG.info("async-profiler {} loaded for /debug/pprof", version);
            } catch (LinkageError | RuntimeException e) { // UnsatisfiedLinkError on an unsupported platform, among others
                LOG.warn("async-profiler cannot load ({}); profiles will be taken with JFR", e.toString());
                loaded = null;
            }
            INSTANCE = loaded;
            VERSION = version;
        }

        private AsyncHolder() {
        }
    }
}
