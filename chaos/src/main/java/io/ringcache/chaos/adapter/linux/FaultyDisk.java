package io.ringcache.chaos.adapter.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A store's Raft folder on a file system that can fail: {@code ringcache-faultfs}, a pass-through
 * FUSE file system over a backing folder (a small C program against libfuse3, whose source is a
 * resource beside this class), which fails writes, reads, fsyncs or a mix with EIO when told
 * (chaos/README.md, "IO errors" and "Failing fsyncs without libfiu"). Written here because this
 * kernel has no device-mapper (so no dm-flakey or dm-error) and libfiu fails a process's sockets
 * along with its files; libfuse does the FUSE work, the program only passes each call through or
 * fails it.
 *
 * <p>Two nemeses share a node's disk: the io nemesis sets what of reads and writes fails
 * ({@link #fail}), the disk nemesis whether fsyncs fail ({@link #failFsyncs}); the program is told
 * both at once, so one healing leaves the other's fault in place.
 *
 * <p>{@link #build} compiles it once per suite; {@link #mount} mounts one, in this process's mount
 * namespace, before the store that uses it starts (a store started by {@code ip netns exec} gets a
 * copy of the mounts there were).
 */
public final class FaultyDisk implements AutoCloseable {

    private static final String SOURCE = "ringcache-faultfs.c";

    /** What of reads and writes fails (the io nemesis). */
    public enum Failing {
        NOTHING(0), WRITES(1), READS(2), BOTH(3),
        /** The next write reaches the disk in part and fails, and every write after it fails. */
        TORN(8),
        /** Each write takes at most half of its bytes, and says so; nothing fails. */
        SHORT(16);

        /** Its bits of the mask the program takes (bit 0 writes, bit 1 reads, bit 3 torn, bit 4 short). */
        final int signal;

        Failing(int signal) {
            this.signal = signal;
        }
    }

    private final Process process;
    private final Path mountPoint;
    private final Path log;
    private boolean mounted;
    private Failing failing = Failing.NOTHING;
    private boolean fsyncsFail;
    /** Bit 2 of the program's mask: fsync and fdatasync fail, writes and reads pass. */
    private static final int FSYNCS = 4;

    private FaultyDisk(Process process, Path mountPoint, Path log) {
        this.process = process;
        this.mountPoint = mountPoint;
        this.log = log;
    }

    /**
     * Compiles the program into {@code dir} with {@code compiler} and returns it.
     *
     * @throws IOException with the compiler's output when it is missing or the build fails (no
     *                     libfuse3-dev, for example), or when this machine has no {@code /dev/fuse}
     */
    public static Path build(Path dir, String compiler) throws IOException {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new IOException("this machine has no /dev/fuse");
        }
        return NativeTools.build(SOURCE, "ringcache-faultfs", dir, compiler, "-I/usr/include/fuse3", "-lfuse3", "-lpthread");
    }

    /**
     * Mounts {@code program} at {@code mountPoint} over {@code backing} (both made if missing), its
     * output appended to {@code log}, and returns once the mount is there.
     */
    public static FaultyDisk mount(Path program, Path backing, Path mountPoint, Path log) throws IOException {
        Files.createDirectories(backing);
        Files.createDirectories(mountPoint);
        Process p = new ProcessBuilder(program.toString(), backing.toString(), mountPoint.toString(), "-f")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        FaultyDisk disk = new FaultyDisk(p, mountPoint, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!disk.isMounted()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                disk.close();
                throw new IOException("ringcache-faultfs did not mount " + mountPoint + " (see " + log + ")");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                disk.close();
                throw new IOException("interrupted while mounting " + mountPoint, e);
            }
        }
        disk.mounted = true;
        return disk;
    }

    private boolean isMounted() throws IOException {
        String target = " " + mountPoint.toAbsolutePath() + " ";
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(l -> l.contains(target) && l.contains("fuse.ringcache-faultfs"));
    }

    public Path path() {
        return mountPoint;
    }

    /** Makes {@code what} fail with EIO from now on (NOTHING: heals); takes effect at once. Fsyncs stay as they are. */
    public synchronized void fail(Failing what) throws IOException {
        failing = what;
        tell();
    }

    /** Whether something fails on this disk now: reads, writes (a torn write included) or fsyncs. Short writes fail nothing. */
    public synchronized boolean failing() {
        return fsyncsFail || failing != Failing.NOTHING && failing != Failing.SHORT;
    }

    /** Whether this disk takes short writes now. */
    public synchronized boolean shortWrites() {
        return failing == Failing.SHORT;
    }

    /** Makes every fsync and fdatasync fail with EIO from now on, or pass again; reads and writes stay as they are. */
    public synchronized void failFsyncs(boolean fail) throws IOException {
        fsyncsFail = fail;
        tell();
    }

    /**
     * SIGRTMIN carrying the whole mask (procps' kill queues the value with sigqueue), then waits
     * until the program has taken it: the signal is handled at some later moment in the program,
     * and a store's next write must meet the new faults, not the old ones. The program notes each
     * switch on stderr, which is the log.
     */
    private void tell() throws IOException {
        long before = switchesNoted();
        Commands.run("kill", "-s", "RTMIN", "-q", Integer.toString(failing.signal | (fsyncsFail ? FSYNCS : 0)),
                Long.toString(process.pid()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (switchesNoted() <= before) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("ringcache-faultfs did not take its new faults (see " + log + ")");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while switching " + mountPoint, e);
            }
        }
    }

    /** The switches the program has noted in its log so far (the log may hold earlier mounts' too). */
    private long switchesNoted() throws IOException {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.startsWith("ringcache-faultfs: ") && !l.startsWith("ringcache-faultfs: unmounted")).count();
        }
    }

    /** Unmounts (after the processes using it are gone) and stops the program. */
    @Override
    public void close() {
        if (mounted) {
            Commands.quietly("umount", "-l", mountPoint.toString());
            mounted = false;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ringcache-faultfs at " + mountPoint + " (log " + log + ")";
    }
}
