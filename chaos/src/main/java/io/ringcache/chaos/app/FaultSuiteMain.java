package io.ringcache.chaos.app;

import io.ringcache.chaos.core.NemesisPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fault suite's entry point, run by {@code chaos/run.sh} inside the client namespace that script
 * made. Each run (one seed) builds its own network and cluster, runs the workload under the seed's
 * faults, heals, checks the history and tears everything down. Exit code: 0 when every run passed,
 * 1 when one found a violation, a lost write or a cluster that did not recover, 2 on bad flags or a
 * harness failure, 3 when a tool a chosen nemesis needs is missing (libfaketime, FUSE, a C compiler).
 */
@Command(name = "chaos/run.sh", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the fault suite: real PD and store processes in network namespaces, faults drawn from a seed, "
                + "a register workload through the SDK and HTTP, and a linearizability check of the whole history.")
public final class FaultSuiteMain implements Callable<Integer> {

    @Option(names = "--seed", description = "first run's seed (default: from the clock); run k uses seed + k")
    Long seed;

    @Option(names = "--runs", defaultValue = "1", description = "how many runs (seeds) (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--seconds", defaultValue = "60", description = "workload length of each run, faults included (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--nemeses", defaultValue = "all",
            description = "fault families: partition, kill, pause, loss, slow, disk, clock, placement, latency, io, comma-separated, or "
                    + "all (every family but io, which runs only when named) (default: ${DEFAULT-VALUE})")
    String nemeses;

    @Option(names = "--ttl-clients", defaultValue = "2", description = "SDK clients probing keys with a TTL (default: ${DEFAULT-VALUE})")
    int ttlClients;

    @Option(names = "--set-clients", defaultValue = "2",
            description = "SDK clients adding to grow-only sets by compare-and-set (default: ${DEFAULT-VALUE})")
    int setClients;

    @Option(names = "--batch-clients", defaultValue = "2",
            description = "SDK clients sending putAll and getAll over groups of keys across shards (default: ${DEFAULT-VALUE})")
    int batchClients;

    @Option(names = "--clock-jump-ms", defaultValue = "" + NemesisPlan.DEFAULT_MAX_CLOCK_JUMP_MILLIS,
            description = "largest wall-clock jump of the clock nemesis, either way (default: ${DEFAULT-VALUE})")
    long clockJumpMillis;

    @Option(names = "--lease-slowdown", defaultValue = "0.1", description = "how much slower than real the clock nemesis runs "
            + "an isolated leader's lease clock, at most (0.1: 10%%, the bound the leases assume; default: ${DEFAULT-VALUE})")
    double leaseSlowdown;

    @Option(names = "--ttl-bound-ms", description = "the clock bound TTL reads are checked against (default: --clock-jump-ms "
            + "when the clock nemesis runs, else 0); a bound below the jumps shows what clocks further apart do")
    Long ttlBoundMillis;

    @Option(names = "--faketime-lib", description = "libfaketime's multi-threaded library, for the clock nemesis "
            + "(default: found under /usr/lib)")
    Path fakeTimeLib;

    @Option(names = "--no-fsync-faults", description = "the disk nemesis only fills disks, and (without the io nemesis) the stores' "
            + "disks are plain tmpfs, with no FUSE file system under them (the CI short tier)")
    boolean noFsyncFaults;

    @Option(names = "--cc", defaultValue = "gcc", description = "the C compiler that builds the latency nemesis's packet holder "
            + "(against libnetfilter_queue) and the io nemesis's faulty file system (against libfuse3) (default: ${DEFAULT-VALUE})")
    String compiler;

    @Option(names = "--nodes", defaultValue = "3", description = "nodes, each with a PD member and a store (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--shards", defaultValue = "4", description = "shards (default: ${DEFAULT-VALUE})")
    int shards;

    @Option(names = "--keys", defaultValue = "8", description = "register keys the clients share (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--sdk-clients", defaultValue = "3", description = "(default: ${DEFAULT-VALUE})")
    int sdkClients;

    @Option(names = "--http-clients", defaultValue = "3", description = "each pinned to one store's HTTP API (default: ${DEFAULT-VALUE})")
    int httpClients;

    @Option(names = "--stale-reads", description = "a deliberately broken client: SDK reads may come from any replica up to 5 s behind, "
            + "yet are checked as linearizable (the checker must catch it)")
    boolean staleReads;

    @Option(names = "--out", defaultValue = "chaos-runs", description = "folder for run records (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--keep", description = "keep every run's folder, not only failed ones")
    boolean keep;

    @Option(names = "--client-netns", required = true, description = "the network namespace this process runs in (made by chaos/run.sh)")
    String clientNetns;

    @Option(names = "--bin", description = "the checkout's bin/ folder with the launchers (default: found above the working folder)")
    Path bin;

    @Option(names = "--prefix", defaultValue = "rcchaos", description = "prefix of the namespaces this run makes (default: ${DEFAULT-VALUE})")
    String prefix;

    @Override
    public Integer call() throws Exception {
        Set<NemesisPlan.Kind> kinds;
        try {
            kinds = NemesisPlan.Kind.parse(nemeses);
        } catch (IllegalArgumentException e) {
            System.err.println("chaos: " + e.getMessage());
            return 2;
        }
        if (runs < 1 || seconds < 20 || nodes < 3 || shards < 1 || keys < 1 || sdkClients < 1 || httpClients < 0
                || ttlClients < 0 || setClients < 0 || batchClients < 0 || clockJumpMillis < 4 || ttlBoundMillis != null && ttlBoundMillis < 0 || !(leaseSlowdown > 0 && leaseSlowdown < 1)) {
            System.err.println("chaos: need --runs >= 1, --seconds >= 20, --nodes >= 3, --shards >= 1, --keys >= 1, --sdk-clients >= 1, "
                    + "--http-clients >= 0, --ttl-clients >= 0, --set-clients >= 0, --batch-clients >= 0, --clock-jump-ms >= 4, "
                    + "--ttl-bound-ms >= 0, 0 < --lease-slowdown < 1");
            return 2;
        }
        boolean clock = kinds.contains(NemesisPlan.Kind.CLOCK);
        Path fakeTime = clock ? (fakeTimeLib != null ? fakeTimeLib : findFakeTime()) : null;
        if (clock && (fakeTime == null || !Files.isReadable(fakeTime))) {
            // A tool missing, as chaos/run.sh reports one: nothing ran (exit 3).
            System.err.println("chaos: the clock nemesis needs libfaketime (Debian: apt-get install libfaketime); nothing was run"
                    + (fakeTimeLib != null ? "; not readable: " + fakeTimeLib : ""));
            return 3;
        }
        // Failing fsyncs are the faulty file system's, as IO errors are (they were libfiu's preload
        // until four stores' JVMs stopped under it: chaos/README.md, "Failing fsyncs without libfiu").
        boolean fsyncFaults = kinds.contains(NemesisPlan.Kind.DISK) && !noFsyncFaults;
        Path tools = out.toAbsolutePath().resolve(".tools");
        Path faultFs = null;
        Path delayQueue = null;
        try {
            if (kinds.contains(NemesisPlan.Kind.IO) || fsyncFaults) {
                faultFs = built(fsyncFaults ? "disk" : "io", "FUSE (/dev/fuse), a C compiler and libfuse3", "fuse3 libfuse3-dev gcc",
                        () -> io.ringcache.chaos.adapter.linux.FaultyDisk.build(tools, compiler));
            }
            if (kinds.contains(NemesisPlan.Kind.LATENCY)) {
                delayQueue = built("latency", "a C compiler and libnetfilter_queue", "gcc libnetfilter-queue-dev",
                        () -> io.ringcache.chaos.adapter.linux.DelayQueue.build(tools, compiler));
            }
        } catch (MissingTool e) {
            System.err.println(e.getMessage());
            return 3;
        }
        long ttlBound = ttlBoundMillis != null ? ttlBoundMillis : clock ? clockJumpMillis : 0;
        Path launchers = bin != null ? bin.toAbsolutePath() : findBin();
        if (!Files.isExecutable(launchers.resolve("ringcache-store")) || !Files.isExecutable(launchers.resolve("ringcache-pd"))) {
            System.err.println("chaos: no ringcache-store and ringcache-pd launchers in " + launchers);
            return 2;
        }
        Files.createDirectories(out);
        long first = seed != null ? seed : System.nanoTime();
        int failed = 0;
        for (int k = 0; k < runs; k++) {
            FaultRun.Settings settings = new FaultRun.Settings(first + k, Duration.ofSeconds(seconds), kinds, nodes, shards, keys,
                    sdkClients, httpClients, ttlClients, setClients, batchClients, clockJumpMillis, leaseSlowdown, ttlBound, staleReads, launchers, out.toAbsolutePath(), keep,
                    clientNetns, prefix, fakeTime, fsyncFaults, delayQueue, faultFs);
            FaultRun.Result result;
            try {
                result = new FaultRun(settings).run();
            } catch (java.io.IOException | RuntimeException e) {
                // The harness itself failed (a namespace, a process, a tool): not a finding about
                // ringcache, and not a pass. The run's folder stays for reading.
                System.err.println("chaos: seed " + settings.seed() + ": the harness failed: " + e);
                return 2;
            }
            System.out.println(result.summary());
            Files.writeString(out.resolve("runs.tsv"), result.tableRow() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            failed += result.passed() ? 0 : 1;
        }
        System.out.println("chaos: " + (runs - failed) + " of " + runs + " runs passed; records in " + out.toAbsolutePath());
        return failed == 0 ? 0 : 1;
    }

    /** A tool a chosen nemesis needs could not be had; its message says which and how to get it. */
    private static final class MissingTool extends Exception {
        private static final long serialVersionUID = 1L;

        MissingTool(String message) {
            super(message);
        }
    }

    /** A nemesis's helper program, built; MissingTool naming what it needs when it cannot be. */
    private static Path built(String nemesis, String needs, String packages, Callable<Path> build) throws MissingTool {
        try {
            return build.call();
        } catch (Exception e) {
            throw new MissingTool("chaos: the " + nemesis + " nemesis needs " + needs + " (Debian: apt-get install " + packages
                    + "); nothing was run: " + e.getMessage());
        }
    }

    /** libfaketime's multi-threaded library where Debian, Ubuntu and Fedora put it; null when absent. */
    static Path findFakeTime() {
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu/faketime", "/usr/lib/aarch64-linux-gnu/faketime",
                "/usr/lib64/faketime", "/usr/lib/faketime"}) {
            Path lib = Path.of(dir, "libfaketimeMT.so.1");
            if (Files.isReadable(lib)) {
                return lib;
            }
        }
        return null;
    }

    private static Path findBin() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("bin/ringcache-store"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("bin/ringcache-store not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("bin");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new FaultSuiteMain()).execute(args));
    }
}
