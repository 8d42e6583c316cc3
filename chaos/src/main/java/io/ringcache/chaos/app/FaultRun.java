package io.ringcache.chaos.app;

import io.ringcache.chaos.adapter.grpc.PdProbe;
import io.ringcache.chaos.adapter.linux.ChaosNodes;
import io.ringcache.chaos.adapter.linux.NetnsNetwork;
import io.ringcache.chaos.adapter.workload.RegisterWorkload;
import io.ringcache.chaos.adapter.workload.BatchWorkload;
import io.ringcache.chaos.adapter.workload.SetWorkload;
import io.ringcache.chaos.adapter.workload.TtlWorkload;
import io.ringcache.chaos.core.Availability;
import io.ringcache.chaos.core.Fault;
import io.ringcache.chaos.core.HistoryCodec;
import io.ringcache.chaos.core.LinearizabilityChecker;
import io.ringcache.chaos.core.NemesisPlan;
import io.ringcache.chaos.core.Operation;
import io.ringcache.chaos.core.BatchChecker;
import io.ringcache.chaos.core.SetChecker;
import io.ringcache.chaos.core.TtlChecker;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One seed's run: network and cluster up, workload on, the seed's faults applied and healed on
 * schedule, then recovery timed, every key read once more (so a lost acknowledged write shows), the
 * history checked, and everything torn down. Its folder ({@code out/seed-<seed>/}) holds the seed,
 * the schedule and when each fault really began and ended ({@code nemesis.log}), the full history
 * ({@code history.tsv}, written as it happens), the TTL probes ({@code ttl.tsv}) and every process's
 * log; after a pass only the small records stay, unless asked to keep everything.
 */
final class FaultRun {

    /** Requests answered within this long after a fault begins or heals do not count for availability. */
    static final long GRACE_MILLIS = 3_000;
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final Duration RECOVERY = Duration.ofSeconds(60);
    /** A store's exit code when its Raft log failed (StoreNode.EXIT_LOG_FAILED, sysexits' EX_IOERR). */
    static final int STORE_LOG_FAILED_EXIT = 74;

    /**
     * @param maxClockJumpMillis the largest wall-clock jump the clock nemesis makes
     * @param ttlBoundMillis     the clock bound TTL probes are checked against
     * @param fakeTime           libfaketime's library, or null when no clock nemesis runs
     */
    record Settings(long seed, Duration length, Set<NemesisPlan.Kind> kinds, int nodes, int shards, int keys, int sdkClients,
                    int httpClients, int ttlClients, int setClients, int batchClients, long maxClockJumpMillis, long ttlBoundMillis, boolean staleReads, Path bin,
                    Path out, boolean keep, String clientNetns, String prefix, Path fakeTime) {
    }

    record Result(long seed, String kinds, int operations, long unknown, String verdict, double worstFaultWindow,
                  double worstQuietWindow, long recoveryMillis, TtlChecker.Report ttl, SetChecker.Report sets, BatchChecker.Report batches,
                  List<String> problems,
                  Path folder) {
        boolean passed() {
            return problems.isEmpty();
        }

        String summary() {
            return String.format("seed %d [%s]: %s, %d operations (%d unknown), answered in the worst fault window %.1f%%, "
                            + "worst quiet window %.1f%%, recovered in %s; TTL: %s; sets: %s; batches: %s%s", seed, kinds, verdict,
                    operations, unknown, 100 * worstFaultWindow, 100 * worstQuietWindow, recoveryMillis < 0 ? "never" : recoveryMillis + " ms",
                    ttl.describe(), sets.describe(), batches.describe(), passed() ? "" : "; FAILED: " + String.join("; ", problems) + " (records in " + folder + ")");
        }

        String tableRow() {
            return String.join("\t", Long.toString(seed), kinds, verdict, Integer.toString(operations), Long.toString(unknown),
                    String.format("%.3f", worstFaultWindow), String.format("%.3f", worstQuietWindow), Long.toString(recoveryMillis),
                    passed() ? "pass" : "FAIL", Integer.toString(ttl.probes()), Integer.toString(ttl.violations().size()),
                    ttl.latestPresentMillis() == TtlChecker.NONE ? "-" : Long.toString(ttl.latestPresentMillis()),
                    Integer.toString(sets.acknowledged()),
                    Integer.toString(sets.lost().size() + sets.phantom().size() + sets.duplicate().size() + sets.unread().size()),
                    Integer.toString(batches.shardParts()), Integer.toString(batches.torn().size() + batches.phantom().size()));
        }
    }

    private final Settings s;
    private final Path folder;
    private final List<Operation> history = Collections.synchronizedList(new ArrayList<>());
    private final List<Availability.Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<TtlChecker.Probe> probes = Collections.synchronizedList(new ArrayList<>());
    private List<SetChecker.SetHistory> sets = List.of();
    private List<BatchChecker.Group> batchGroups = List.of();
    private final List<String> problems = new ArrayList<>();
    /** ms from the final heal until every shard had a leader and three voters; -1: never. */
    private long recovery = -1;
    private List<Availability.Window> windows = List.of();
    private BufferedWriter historyFile;
    private BufferedWriter nemesisLog;
    private BufferedWriter ttlFile;
    private long startNanos;

    FaultRun(Settings settings) {
        this.s = settings;
        this.folder = settings.out().resolve("seed-" + settings.seed());
    }

    Result run() throws IOException, InterruptedException {
        deleteTree(folder);
        Files.createDirectories(folder);
        List<NemesisPlan.Step> plan = NemesisPlan.draw(s.seed(), s.nodes(), s.length().toMillis(), s.kinds(), s.maxClockJumpMillis());
        Files.write(folder.resolve("schedule.txt"), Stream.concat(
                Stream.of("seed " + s.seed() + ", " + s.length().toSeconds() + " s, nemeses " + s.kinds() + ", " + s.nodes()
                        + " nodes, " + s.shards() + " shards"),
                plan.stream().map(st -> "at " + st.startMillis() + " ms for " + st.durationMillis() + " ms: " + st.fault().describe()))
                .toList());
        String kinds = s.kinds().stream().map(k -> k.name().toLowerCase()).sorted().collect(Collectors.joining(","));
        try (NetnsNetwork net = NetnsNetwork.create(s.prefix(), s.nodes(), s.clientNetns());
             ChaosNodes nodes = new ChaosNodes(net, s.bin(), folder, s.nodes(), s.shards(), s.fakeTime());
             BufferedWriter h = Files.newBufferedWriter(folder.resolve("history.tsv"));
             BufferedWriter n = Files.newBufferedWriter(folder.resolve("nemesis.log"));
             BufferedWriter t = Files.newBufferedWriter(folder.resolve("ttl.tsv"))) {
            historyFile = h;
            nemesisLog = n;
            ttlFile = t;
            ttlFile.write("key\tttl-ms\tput-invoked-ns\tput-returned-ns\treads (invoked-ns/returned-ns/present)");
            ttlFile.newLine();
            // Killed from outside (Ctrl-C, a CI timeout), the JVM runs no finally block: this hook
            // still kills the processes, unmounts the disks and deletes the namespaces.
            Thread cleanup = new Thread(() -> {
                nodes.close();
                net.close();
            }, "chaos-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                exercise(plan, net, nodes);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running already
                }
            }
        }
        List<Operation> recorded = List.copyOf(history);
        long unknown = recorded.stream().filter(Operation::unknown).count();
        LinearizabilityChecker.Verdict verdict = LinearizabilityChecker.check(recorded);
        String verdictText = verdict.getClass().getSimpleName();
        if (verdict instanceof LinearizabilityChecker.Verdict.Violation v) {
            problems.add("the history of key " + v.key() + " (" + v.operations().size() + " operations) is not linearizable");
        } else if (!(verdict instanceof LinearizabilityChecker.Verdict.Linearizable)) {
            problems.add("the checker could not decide: " + verdict);
        }
        double worstFault = windows.stream().filter(w -> !w.label().startsWith("quiet")).mapToDouble(Availability.Window::ratio).min().orElse(1);
        double worstQuiet = windows.stream().filter(w -> w.label().startsWith("quiet")).mapToDouble(Availability.Window::ratio).min().orElse(1);
        TtlChecker.Report ttl = TtlChecker.check(List.copyOf(probes), s.ttlBoundMillis());
        if (!ttl.violations().isEmpty()) {
            problems.add(ttl.violations().size() + " TTL reads broke the " + s.ttlBoundMillis() + " ms clock bound, first: "
                    + ttl.violations().get(0).describe());
        }
        SetChecker.Report setReport = SetChecker.check(sets);
        if (!setReport.ok()) {
            problems.add("grow-only sets: " + setReport.describe() + "; lost " + first(setReport.lost()) + ", phantom "
                    + first(setReport.phantom()) + ", duplicated " + first(setReport.duplicate()) + ", unread "
                    + first(setReport.unread()));
        }
        Files.write(folder.resolve("sets.tsv"), sets.stream().map(h -> h.key() + "\tacknowledged=" + h.acknowledged().size()
                + "\tattempted=" + h.attempted().size() + "\tfinal=" + (h.finalValue() == null ? "-" : String.join(",", h.finalValue())))
                .toList());
        BatchChecker.Report batchReport = BatchChecker.check(batchGroups);
        if (!batchReport.ok()) {
            problems.add("batches: " + batchReport.describe() + "; torn " + first(batchReport.torn()) + ", phantom "
                    + first(batchReport.phantom()));
        }
        Result result = new Result(s.seed(), kinds, recorded.size(), unknown, verdictText, worstFault, worstQuiet, recovery,
                ttl, setReport, batchReport, List.copyOf(problems), folder);
        Files.writeString(folder.resolve("result.txt"), result.summary() + "\n");
        if (result.passed() && !s.keep()) {
            // A pass keeps its small records (schedule, nemesis log, availability, result) for the
            // tier's table; the history and the process logs go.
            Files.deleteIfExists(folder.resolve("history.tsv"));
            Files.deleteIfExists(folder.resolve("ttl.tsv"));
            for (int i = 1; i <= s.nodes(); i++) {
                deleteTree(folder.resolve("n" + i));
            }
        }
        return result;
    }

    /**
     * Waits until every shard has 3 replicas and a leader, then builds the SDK client. In that
     * order: the builder fetches the map once with its own deadline, and a PD group still electing
     * its first leader made it fail the whole run ("cannot get the partition map ... DEADLINE_EXCEEDED").
     */
    private RingcacheClient settledThenConnect(PdProbe probe, ChaosNodes nodes) throws IOException, InterruptedException {
        if (!await(SETTLE, () -> probe.settled(3))) {
            throw new IOException("the cluster did not settle (every shard with 3 replicas and a leader) in " + SETTLE.toSeconds()
                    + " s; exited: " + nodes.exited());
        }
        return RingcacheClient.builder().placementDriver(nodes.pdList()).requestTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Everything between the cluster's start and its teardown: settle, workload, the faults on
     * schedule, the final heal and recovery, the final reads. Sets {@link #recovery} and
     * {@link #windows}; adds to {@link #problems}.
     */
    private void exercise(List<NemesisPlan.Step> plan, NetnsNetwork net, ChaosNodes nodes) throws IOException, InterruptedException {
        nodes.start(128);
        try (PdProbe probe = new PdProbe(nodes.pdList());
             RingcacheClient sdk = settledThenConnect(probe, nodes)) {
            RegisterWorkload.Targets targets = new RegisterWorkload.Targets(sdk, s.sdkClients(), nodes.storeHttpBases(), s.httpClients());
            ReadOptions reads = s.staleReads() ? ReadOptions.stale(Duration.ofSeconds(5)) : ReadOptions.linearizable();
            startNanos = System.nanoTime();
            RegisterWorkload.Sink sink = new RegisterWorkload.Sink() {
                @Override
                public void record(Operation op, int client) {
                    FaultRun.this.record(op, 1 + targets.httpTarget(client));
                }

                @Override
                public void refused(long invokedNanos, int client) {
                    requests.add(new Availability.Request((invokedNanos - startNanos) / 1_000_000, false,
                            1 + targets.httpTarget(client)));
                }
            };
            try (RegisterWorkload workload = new RegisterWorkload(targets, s.keys(), s.seed(), reads, sink);
                 TtlWorkload ttl = new TtlWorkload(sdk, s.ttlClients(), s.seed(), s.ttlBoundMillis() + 1_000, this::record);
                 SetWorkload setAdds = new SetWorkload(sdk, s.setClients(), 2);
                 BatchWorkload batches = new BatchWorkload(sdk, s.batchClients(), s.seed(), op -> record(op, 0))) {
                workload.start();
                ttl.start();
                setAdds.start();
                batches.start();
                Placements placements = new Placements(probe, new java.util.Random(s.seed()), this::logQuietly);
                for (NemesisPlan.Step step : plan) {
                    superviseUntil(step.startMillis(), nodes, () -> { });
                    strike(step.fault(), net, nodes, placements);
                    Runnable during = step.fault() instanceof Fault.LeaderChurn churn
                            ? placements.churnEvery(churn.everyMillis()) : () -> { };
                    superviseUntil(step.endMillis(), nodes, during);
                    heal(step.fault(), net, nodes, placements);
                }
                superviseUntil(s.length().toMillis(), nodes, () -> { });
                long healedAt = System.nanoTime();
                net.heal();
                recovery = await(RECOVERY, () -> supervised(nodes) && probe.settled(3)) ? (System.nanoTime() - healedAt) / 1_000_000 : -1;
                log("recovered in " + recovery + " ms");
                workload.close();
                ttl.close();
                sets = setAdds.finish(Duration.ofSeconds(10));
                batchGroups = batches.finish(Duration.ofSeconds(10), ring(probe));
                List<String> unanswered = workload.readEveryKey(Duration.ofSeconds(10), RECOVERY.multipliedBy(2));
                if (!unanswered.isEmpty()) {
                    problems.add("no final read answered for " + unanswered.size() + " keys, first "
                            + unanswered.subList(0, Math.min(10, unanswered.size())));
                }
            }
            windows = Availability.measure(List.copyOf(requests), plan, GRACE_MILLIS, s.length().toMillis());
            writeWindows(windows);
        }
        if (recovery < 0) {
            problems.add("the cluster did not recover (every shard with 3 replicas and a leader) within " + RECOVERY.toSeconds() + " s");
        }
        supervise(nodes);
    }

    private void record(Operation op, int pinnedNode) {
        history.add(op);
        requests.add(new Availability.Request((op.invokedAt() - startNanos) / 1_000_000, !op.unknown(), pinnedNode));
        synchronized (this) {
            try {
                historyFile.write(HistoryCodec.encode(op));
                historyFile.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void record(TtlChecker.Probe probe) {
        probes.add(probe);
        StringBuilder line = new StringBuilder().append(probe.key()).append('\t').append(probe.ttlMillis()).append('\t')
                .append(probe.putInvokedAt() - startNanos).append('\t')
                .append(probe.acknowledged() ? Long.toString(probe.putReturnedAt() - startNanos) : "-");
        for (TtlChecker.Read r : probe.reads()) {
            line.append('\t').append(r.invokedAt() - startNanos).append('/').append(r.returnedAt() - startNanos).append('/')
                    .append(r.present() ? '1' : '0');
        }
        synchronized (this) {
            try {
                ttlFile.write(line.toString());
                ttlFile.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void strike(Fault fault, NetnsNetwork net, ChaosNodes nodes, Placements placements)
            throws IOException, InterruptedException {
        log("begin " + fault.describe());
        if (fault instanceof Fault.Partition p) {
            net.block(p.blocked());
        } else if (fault instanceof Fault.Kill k) {
            nodes.kill(k.node(), k.process());
        } else if (fault instanceof Fault.Pause p) {
            nodes.signal(p.node(), p.process(), "STOP");
        } else if (fault instanceof Fault.Loss l) {
            net.loss(l.node(), l.percent());
        } else if (fault instanceof Fault.SlowLink sl) {
            net.slow(sl.node(), sl.kbitPerSecond(), sl.queueMillis());
        } else if (fault instanceof Fault.DiskFull d) {
            nodes.disk(d.node()).fill();
        } else if (fault instanceof Fault.ClockJump c) {
            nodes.skewClock(c.node(), c.offsetMillis());
        } else if (fault instanceof Fault.KillPdLeader) {
            int node = placements.pdLeaderNode();
            if (node > 0) {
                log("the pd leader is pd" + node);
                nodes.kill(node, Fault.Process.PD);
            } else {
                log("no pd leader to kill");
            }
        } else if (fault instanceof Fault.ReplicaMove) {
            placements.moveOneReplica();
        } else if (fault instanceof Fault.Split) {
            placements.splitOne();
        }
    }

    private void heal(Fault fault, NetnsNetwork net, ChaosNodes nodes, Placements placements) throws IOException {
        if (fault instanceof Fault.Kill k) {
            nodes.restart(k.node(), k.process());
        } else if (fault instanceof Fault.Pause p) {
            nodes.signal(p.node(), p.process(), "CONT");
        } else if (fault instanceof Fault.DiskFull d) {
            nodes.disk(d.node()).free();
        } else if (fault instanceof Fault.ClockJump c) {
            nodes.skewClock(c.node(), 0);
        } else if (fault instanceof Fault.KillPdLeader) {
            int node = placements.killedPdLeader();
            if (node > 0) {
                nodes.restart(node, Fault.Process.PD);
            }
        } else if (fault instanceof Fault.LeaderChurn || fault instanceof Fault.ReplicaMove || fault instanceof Fault.Split) {
            // placement keeps what it did
        } else {
            net.heal();
        }
        log("end " + fault.describe());
    }

    private synchronized void log(String line) throws IOException {
        nemesisLog.write(String.format("%8d ms  %s%n", (System.nanoTime() - startNanos) / 1_000_000, line));
        nemesisLog.flush();
        historyFile.flush();
        ttlFile.flush();
    }

    /** The partition map's ring, which stays fixed for a run (nothing splits shards). */
    private static io.ringcache.routing.HashRing ring(PdProbe probe) throws IOException {
        io.ringcache.proto.v1.GetClusterStatusResponse status = probe.status();
        if (status == null) {
            throw new IOException("no placement-driver leader answered for the ring");
        }
        io.ringcache.proto.v1.Ring ring = status.getMap().getRing();
        long[] tokens = new long[ring.getTokensCount()];
        int[] owners = new int[ring.getShardIdsCount()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = ring.getTokens(i);
            owners[i] = ring.getShardIds(i);
        }
        return io.ringcache.routing.HashRing.of(tokens, owners);
    }

    private static String first(List<String> items) {
        return items.isEmpty() ? "none" : items.size() + " (first " + items.get(0) + ")";
    }

    private void logQuietly(String line) {
        try {
            log(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeWindows(List<Availability.Window> windows) throws IOException {
        List<String> lines = new ArrayList<>(List.of("from-ms\tto-ms\tsent\tanswered\tratio\twindow"));
        for (Availability.Window w : windows) {
            lines.add(w.fromMillis() + "\t" + w.toMillis() + "\t" + w.sent() + "\t" + w.answered() + "\t"
                    + String.format("%.3f", w.ratio()) + "\t" + w.label());
        }
        Files.write(folder.resolve("availability.tsv"), lines);
    }

    /**
     * Waits until {@code millisAfterStart}, restarting every half second what exited on its own
     * and running {@code tick} (what a fault does while it lasts) as often.
     */
    private void superviseUntil(long millisAfterStart, ChaosNodes nodes, Runnable tick) throws InterruptedException, IOException {
        while (true) {
            supervise(nodes);
            tick.run();
            long left = millisAfterStart - (System.nanoTime() - startNanos) / 1_000_000;
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(left, 500));
        }
    }

    /**
     * Restarts what exited on its own, as a supervisor would, and notes it. A store exiting with
     * code 74 after its Raft log failed (a full disk) is the designed answer; any other exit is a
     * problem of the run.
     */
    private void supervise(ChaosNodes nodes) throws IOException {
        for (String line : nodes.superviseExited()) {
            log(line);
            if (!line.contains("exited with code " + STORE_LOG_FAILED_EXIT + ";")) {
                problems.add(line);
            }
        }
    }

    /** {@link #supervise} for a condition: true once it ran. */
    private boolean supervised(ChaosNodes nodes) {
        try {
            supervise(nodes);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean await(Duration budget, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
