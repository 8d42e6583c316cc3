package io.ringcache.chaos.adapter.linux;

import io.ringcache.chaos.core.Fault;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The cluster under test: node i runs placement-driver member pd{i} and store s{i}, both real
 * processes started with the launchers in {@code bin/}, inside the node's network namespace and
 * bound to its address. Each node's folder under the run's folder holds the PD's data, the store's
 * data (on its own small tmpfs, for the disk-full fault) and both processes' logs, which stay for
 * reading after the run. Closing kills every process and unmounts the disks.
 *
 * <pre>
 *   n{i}/pd/        pd{i}'s Raft data        n{i}/pd.log
 *   n{i}/disk/      tmpfs: s{i}'s Raft data  n{i}/store.log
 *   n{i}/store-disk/ with the io nemesis or failing fsyncs: ringcache-faultfs over n{i}/disk/fs,
 *                   s{i}'s Raft data instead (n{i}/faultfs.log)
 *   n{i}/clock      s{i}'s wall-clock offset (with libfaketime)
 *   n{i}/lease-clock the rate of s{i}'s read-lease clock (with the clock nemesis)
 * </pre>
 *
 * <p>With a libfaketime library given, each store's JVM runs under it (preloaded through the
 * launcher's {@code RINGCACHE_PRELOAD}, into the JVM alone) and reads its
 * wall-clock offset from its {@code clock} file, re-read at most once a second, so
 * {@link #skewClock} moves one store's wall clock while it runs. Its monotonic clock is left alone
 * ({@code FAKETIME_DONT_FAKE_MONOTONIC}), as NTP leaves it, and so is libfaketime's rewriting of
 * timed waits ({@code FAKETIME_FORCE_MONOTONIC_FIX=0}: with it, the JVM's sleeps ran 3-4x long).
 *
 * <p>With the faulty file system given ({@link FaultyDisk}), each store's Raft folder sits on one,
 * over the node's tmpfs, so {@link #failIo} makes the store's reads, writes or both fail with EIO
 * (or tears its next write, or shortens its writes)
 * and {@link #failFsyncs} its fsyncs and fdatasyncs, in the store running then and any started
 * there until it heals: the mount outlives them, so a bad disk stays bad across restarts. (Failing
 * fsyncs were libfiu's preload until 2026-12-07; four stores' JVMs stopped under it:
 * chaos/README.md, "Failing fsyncs without libfiu".)
 */
public final class ChaosNodes implements AutoCloseable {

    public static final int PD_GRPC = 7100;
    public static final int PD_RAFT = 7101;
    public static final int PD_HTTP = 7102;
    public static final int STORE_HTTP = 8080;
    public static final int STORE_GRPC = 8090;
    public static final int STORE_RAFT = 7000;

    /** Marks a restart of a store that exited while its node's disk fails: any exit code is then expected. */
    public static final String DISK_FAILING_NOTE = "(its disk fails)";
    /** Marks a restart of a store that exited while its disk took short writes: no exit is expected then. */
    public static final String SHORT_WRITES_NOTE = "(its disk takes short writes)";

    /**
     * Small heaps and the quick compiler: six JVMs share the machine with the clients. Ratis'
     * server core logs at INFO and its log appenders at WARN (the stores' logback.xml reads these
     * properties), so a stall the suite finds can be read from the kept logs (finding 19).
     */
    private static final String JAVA_OPTS = "-Xmx320m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
            + " -Dringcache.log.ratis.server=INFO -Dringcache.log.ratis.appender=WARN";

    private final NetnsNetwork net;
    private final Path bin;
    private final Path runDir;
    private final int nodes;
    private final int shards;
    /** libfaketime's shared library, or null: stores run on the real clock. */
    private final Path fakeTime;
    /** The faulty file system program, or null: stores' Raft folders sit on the tmpfs directly. */
    private final Path faultFs;
    /** Each node's faulty file system (with the io nemesis or failing fsyncs); it knows what fails there now. */
    private final Map<Integer, FaultyDisk> faultyDisks = new LinkedHashMap<>();
    /** Processes started while their node's fsyncs failed, or whose fsyncs failed while they ran. */
    private final java.util.Set<String> onBadDisk = new java.util.HashSet<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, List<String>> commands = new LinkedHashMap<>();
    private final Map<Integer, TmpfsDisk> disks = new LinkedHashMap<>();
    /** Processes the nemesis killed on purpose: down until their fault heals, not restarted by {@link #superviseExited}. */
    private final java.util.Set<String> killed = new java.util.HashSet<>();

    /**
     * @param fakeTime libfaketime's library, or null (no clock nemesis)
     * @param faultFs  the faulty file system program ({@link FaultyDisk#build}), or null (no IO errors, no failing fsyncs)
     */
    public ChaosNodes(NetnsNetwork net, Path bin, Path runDir, int nodes, int shards, Path fakeTime, Path faultFs) {
        this.net = net;
        this.faultFs = faultFs;
        this.fakeTime = fakeTime;
        this.bin = bin;
        this.runDir = runDir;
        this.nodes = nodes;
        this.shards = shards;
    }

    /** Starts every PD member, then every store (on its own disk of {@code diskMegabytes}). */
    public void start(int diskMegabytes) throws IOException {
        StringJoiner peers = new StringJoiner(",");
        for (int i = 1; i <= nodes; i++) {
            peers.add("pd" + i + "=" + net.address(i) + ":" + PD_RAFT + "/" + net.address(i) + ":" + PD_GRPC);
        }
        for (int i = 1; i <= nodes; i++) {
            Path dir = Files.createDirectories(runDir.resolve("n" + i));
            define(pd(i), i, List.of(bin.resolve("ringcache-pd").toString(), "-id", "pd" + i,
                    "-grpc_addr", net.address(i) + ":" + PD_GRPC, "-raft_addr", net.address(i) + ":" + PD_RAFT,
                    "-http_addr", net.address(i) + ":" + PD_HTTP, "-data_dir", dir.resolve("pd").toString(),
                    "-peers", peers.toString(), "-shards", Integer.toString(shards), "-down_after", "3s",
                    "-repair_after", "60s", "-election_timeout", "1000ms"));
            launch(pd(i));
        }
        for (int i = 1; i <= nodes; i++) {
            Path dir = runDir.resolve("n" + i);
            disks.put(i, TmpfsDisk.mount(dir.resolve("disk"), diskMegabytes));
            Path raftDir = dir.resolve("disk/data");
            if (faultFs != null) {
                FaultyDisk fs = FaultyDisk.mount(faultFs, dir.resolve("disk/fs"), dir.resolve("store-disk"), dir.resolve("faultfs.log"));
                faultyDisks.put(i, fs);
                raftDir = fs.path().resolve("data");
            }
            if (fakeTime != null) {
                skewClock(i, 0);
            }
            define(store(i), i, List.of(bin.resolve("ringcache-store").toString(), "-node_id", "s" + i,
                    "-http_addr", net.address(i) + ":" + STORE_HTTP, "-grpc_addr", net.address(i) + ":" + STORE_GRPC,
                    "-raft_addr", net.address(i) + ":" + STORE_RAFT, "-raft_dir", raftDir.toString(),
                    "-pd", pdList(), "-shard_memory_mb", "16",
                    // The checkers count every acknowledged write: an eviction would read as a loss.
                    "-maxmemory_policy", "noeviction"));
            launch(store(i));
        }
    }

    /** Every PD member's gRPC address, comma-separated (what stores, the SDK and probes are given). */
    public String pdList() {
        StringJoiner list = new StringJoiner(",");
        for (int i = 1; i <= nodes; i++) {
            list.add(net.address(i) + ":" + PD_GRPC);
        }
        return list.toString();
    }

    /** The stores' HTTP base URLs, node 1 first. */
    public List<String> storeHttpBases() {
        List<String> bases = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            bases.add("http://" + net.address(i) + ":" + STORE_HTTP);
        }
        return bases;
    }

    private static String pd(int node) {
        return "pd" + node;
    }

    private static String store(int node) {
        return "s" + node;
    }

    private static String name(int node, Fault.Process process) {
        return process == Fault.Process.PD ? pd(node) : store(node);
    }

    private void define(String name, int node, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", net.namespace(node)));
        full.addAll(command);
        commands.put(name, full);
    }

    private void launch(String name) throws IOException {
        Path log = runDir.resolve("n" + name.substring(name.length() - 1)).resolve((name.startsWith("pd") ? "pd" : "store") + ".log");
        ProcessBuilder pb = new ProcessBuilder(commands.get(name)).directory(runDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        String javaOpts = JAVA_OPTS;
        if (fakeTime != null && name.startsWith("s")) {
            // The clock nemesis also slows lease clocks (slowLeaseClock).
            javaOpts += " -Dringcache.fault.lease_clock_file=" + leaseClockFile(Integer.parseInt(name.substring(1)));
        }
        pb.environment().put("JAVA_OPTS", javaOpts);
        StringJoiner preload = new StringJoiner(" ");
        if (name.startsWith("s")) {
            int node = Integer.parseInt(name.substring(1));
            onBadDisk.remove(name);
            FaultyDisk disk = faultyDisks.get(node);
            if (disk != null && disk.failing()) {
                onBadDisk.add(name);
            }
        }
        if (fakeTime != null && name.startsWith("s")) {
            preload.add(fakeTime.toString());
            pb.environment().put("FAKETIME_TIMESTAMP_FILE", clockFile(Integer.parseInt(name.substring(1))).toString());
            pb.environment().put("FAKETIME_CACHE_DURATION", "1");
            pb.environment().put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
            pb.environment().put("FAKETIME_FORCE_MONOTONIC_FIX", "0");
        }
        if (preload.length() > 0) {
            // Into the store's JVM alone, not its launcher script: bash under libfiu and libfaketime
            // together crashed (SIGSEGV) before it reached java in about one start in five (when
            // failing fsyncs were libfiu's).
            pb.environment().put("RINGCACHE_PRELOAD", preload.toString());
        }
        processes.put(name, pb.start());
    }

    /** kill -9 of the node's process (and anything it started). */
    public void kill(int node, Fault.Process process) throws InterruptedException {
        killed.add(name(node, process));
        ProcessTrees.kill(processes.get(name(node, process)));
    }

    /** Starts the node's process again with the same command and data. */
    public void restart(int node, Fault.Process process) throws IOException {
        killed.remove(name(node, process));
        launch(name(node, process));
    }

    /**
     * What a supervisor (Kubernetes' restartPolicy Always, systemd) does: every process that exited
     * on its own (not killed by a nemesis) is started again on the same data. Returns one line per
     * restart, naming the process and its exit code, and {@link #DISK_FAILING_NOTE} when it is a
     * store whose fsyncs, reads or writes fail.
     */
    public List<String> superviseExited() throws IOException {
        List<String> restarted = new ArrayList<>();
        for (Map.Entry<String, Process> e : List.copyOf(processes.entrySet())) {
            if (!e.getValue().isAlive() && !killed.contains(e.getKey())) {
                boolean badDisk = onBadDisk.contains(e.getKey());
                FaultyDisk disk = e.getKey().startsWith("s") ? faultyDisks.get(Integer.parseInt(e.getKey().substring(1))) : null;
                boolean shortDisk = disk != null && disk.shortWrites();
                restarted.add(e.getKey() + " exited with code " + e.getValue().exitValue() + "; restarted"
                        + (badDisk ? " " + DISK_FAILING_NOTE : "") + (shortDisk ? " " + SHORT_WRITES_NOTE : ""));
                launch(e.getKey());
            }
        }
        return restarted;
    }

    /** SIGSTOP or SIGCONT to the node's process and everything it started. */
    public void signal(int node, Fault.Process process, String signal) throws IOException {
        ProcessTrees.signal(processes.get(name(node, process)), signal);
    }

    /**
     * Sets the wall-clock offset of the node's store to {@code offsetMillis} (0: the true time); it
     * takes effect within a second. Needs the libfaketime library.
     */
    public void skewClock(int node, long offsetMillis) throws IOException {
        if (fakeTime == null) {
            throw new IllegalStateException("clock jumps need libfaketime; the stores run on the real clock");
        }
        Path file = clockFile(node);
        Path next = file.resolveSibling("clock.next");
        Files.writeString(next, String.format(java.util.Locale.ROOT, "%+.3f%n", offsetMillis / 1000.0));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes every fsync and fdatasync of the node's store fail with EIO ({@code fail}), or work
     * again: in the store running now, if any, and in every store started there until it is undone.
     * Its reads and writes pass (unless the io nemesis fails them). Returns a line for the nemesis
     * log. Needs the faulty file system.
     */
    public String failFsyncs(int node, boolean fail) throws IOException {
        FaultyDisk fs = faultyDisks.get(node);
        if (fs == null) {
            throw new IllegalStateException("failing fsyncs need the faulty file system; the stores' disks are plain tmpfs");
        }
        fs.failFsyncs(fail);
        if (fail) {
            onBadDisk.add(store(node));
        }
        return (fail ? "fsyncs fail" : "fsyncs work again") + " on s" + node + "'s disk"
                + (fail ? " (in the store running there and any started there until it heals)" : "");
    }

    /**
     * Makes the node's store's writes, reads or both fail with EIO, tears its next write (then
     * fails its writes), or shortens its writes (NOTHING: everything works again), in the store
     * running now and in every store started there until it is undone. Fsyncs stay as
     * {@link #failFsyncs} left them. Returns a line for the nemesis log. Needs the faulty file system.
     */
    public String failIo(int node, FaultyDisk.Failing what) throws IOException {
        FaultyDisk fs = faultyDisks.get(node);
        if (fs == null) {
            throw new IllegalStateException("IO errors need the faulty file system; the stores' disks are plain tmpfs");
        }
        fs.fail(what);
        if (fs.failing()) {
            onBadDisk.add(store(node)); // short writes fail nothing: the store must go on
        }
        return "s" + node + "'s disk: " + switch (what) {
            case NOTHING -> "nothing fails";
            case TORN -> "its next write is torn, then writes fail";
            case SHORT -> "writes are short";
            default -> what.name().toLowerCase(java.util.Locale.ROOT) + " fail";
        };
    }

    /**
     * Runs the clock the node's store measures its read leases with at {@code rate} of the real
     * rate (1: real); it takes effect within 0.1 s. Needs the clock nemesis (libfaketime given).
     */
    public void slowLeaseClock(int node, double rate) throws IOException {
        if (fakeTime == null) {
            throw new IllegalStateException("lease clocks are slowed with the clock nemesis only");
        }
        Path file = leaseClockFile(node);
        Path next = file.resolveSibling("lease-clock.next");
        Files.writeString(next, String.format(java.util.Locale.ROOT, "%.4f%n", rate));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private Path leaseClockFile(int node) {
        return runDir.resolve("n" + node).resolve("lease-clock");
    }

    private Path clockFile(int node) {
        return runDir.resolve("n" + node).resolve("clock");
    }

    public TmpfsDisk disk(int node) {
        return disks.get(node);
    }

    /**
     * Writes what the node's store JVM's threads are doing to {@code n{i}/store-threads-PID.txt},
     * for a store that stopped answering (chaos README, "Failing fsyncs without libfiu"): each
     * thread's name, state, kernel wait channel and kernel stack from /proc, then gdb's backtrace
     * of every thread when gdb is on the PATH. Then it asks the JVM for its own thread dump
     * (SIGQUIT, into store.log), which a JVM whose threads are all stuck cannot give. Returns the
     * file, or a sentence saying why there is none.
     */
    public String dumpStoreThreads(int node) {
        Process launcher = processes.get(store(node));
        if (launcher == null || !launcher.isAlive()) {
            return "no store running";
        }
        java.util.Optional<ProcessHandle> jvm = java.util.stream.Stream.concat(java.util.stream.Stream.of(launcher.toHandle()),
                launcher.descendants()).filter(h -> "java".equals(comm(h.pid()))).findFirst();
        if (jvm.isEmpty()) {
            return "no store JVM among the processes of " + launcher.pid();
        }
        long pid = jvm.get().pid();
        Path out = runDir.resolve("n" + node).resolve("store-threads-" + pid + ".txt");
        try {
            StringBuilder text = new StringBuilder();
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks.sorted().toList()) {
                    text.append("== task ").append(task.getFileName()).append(' ').append(read(task.resolve("comm")).strip())
                            .append(": wchan ").append(read(task.resolve("wchan")).strip())
                            .append(", state ").append(state(read(task.resolve("stat")))).append('\n')
                            .append(read(task.resolve("stack")));
                }
            }
            Files.writeString(out, text);
            if (onPath("gdb")) {
                Files.writeString(out, "\n== gdb: thread apply all bt\n", java.nio.file.StandardOpenOption.APPEND);
                Process gdb = new ProcessBuilder("gdb", "-p", Long.toString(pid), "-batch", "-ex", "thread apply all bt")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                if (!gdb.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                    gdb.destroyForcibly();
                }
            }
            // After gdb has let go: its attach would stop the JVM in the middle of its own dump.
            Commands.quietly("kill", "-QUIT", Long.toString(pid));
            return out.toString();
        } catch (IOException e) {
            return "could not read its threads: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while reading its threads";
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String comm(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "comm")).strip();
    }

    /** A /proc file's text, or what kept it from being read (a thread that ended, a kernel without it). */
    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e.getClass().getSimpleName() + ")\n";
        }
    }

    /** The state letter of a /proc stat line: the field after the command's closing parenthesis. */
    private static String state(String stat) {
        int close = stat.lastIndexOf(')');
        return close < 0 || close + 2 >= stat.length() ? "?" : stat.substring(close + 2, close + 3);
    }

    /** The processes not running now, with their exit codes. */
    public List<String> exited() {
        return processes.entrySet().stream().filter(e -> !e.getValue().isAlive())
                .map(e -> e.getKey() + " (exit " + e.getValue().exitValue() + ")").toList();
    }

    @Override
    public void close() {
        ProcessTrees.killAll(processes.values());
        faultyDisks.values().forEach(FaultyDisk::close);
        disks.values().forEach(TmpfsDisk::close);
    }
}
