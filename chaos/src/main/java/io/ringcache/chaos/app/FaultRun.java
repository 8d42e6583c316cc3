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
    /** The longest the next fault waits for the last one's node to serve again. */
    private static final Duration SETTLE_BETWEEN_FAULTS = Duration.ofSeconds(30);
    /**
     * Issue 17's availability aim: at least this share of the requests to healthy nodes answered in
     * each fault window (outside the leader-loss allowance) and each quiet window. Recorded, not
     * asserted; a run below it keeps its history and process logs.
     */
    static final double AVAILABILITY_AIM = 0.99;
    /** A store's exit code when its Raft log failed (StoreNode.EXIT_LOG_FAILED, sysexits' EX_IOERR). */
    static final int STORE_LOG_FAILED_EXIT = 74;

    /**
     * @param maxClockJumpMillis the largest wall-clock jump the clock nemesis makes
     * @param maxLeaseSlowdown   how much slower than real the clock nemesis runs a lease clock, at most
     * @param ttlBoundMillis     the clock bound TTL probes are checked against
     * @param fakeTime           libfaketime's library, or null when no clock nemesis runs
     * @param fsyncFaults        whether the disk nemesis also fails fsyncs (on the faulty file system), or only fills disks
     * @param delayQueue         the latency nemesis's packet holder ({@code DelayQueue#build}), or null when none runs
     * @param faultFs            the faulty file system ({@code FaultyDisk#build}) of the io nemesis and failing fsyncs, or null when neither runs
     */
    record Settings(long seed, Duration length, Set<NemesisPlan.Kind> kinds, int nodes, int shards, int keys, int sdkClients,
                    int httpClients, int ttlClients, int setClients, int batchClients, long maxClockJumpMillis, double maxLeaseSlowdown, long ttlBoundMillis, boolean staleReads, Path bin,
                    Path out, boolean keep, String clientNetns, String prefix, Path fakeTime, boolean fsyncFaults, Path delayQueue, Path faultFs) {
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
    /** The steps as they were struck: the plan's, moved later by any wait for the cluster to settle. */
    private final List<NemesisPlan.Step> struck = new ArrayList<>();
    private RecoveringNodes recovering;
    private long lengthMillis;
    private BufferedWriter historyFile;
    private BufferedWriter nemesisLog;
    private BufferedWriter ttlFile;
    private BufferedWriter errorFile;
    private int errorsWritten;
    private long startNanos;

    FaultRun(Settings settings) {
        this.s = settings;
        this.folder = settings.out().resolve("seed-" + settings.seed());
    }

    Result run() throws IOException, InterruptedException {
        deleteTree(folder);
        Files.createDirectories(folder);
        List<NemesisPlan.Step> plan = NemesisPlan.draw(s.seed(), s.nodes(), s.length().toMillis(), s.kinds(), s.maxClockJumpMillis(),
                s.maxLeaseSlowdown());
        if (!s.fsyncFaults()) {
            plan = NemesisPlan.withoutFsyncFaults(plan); // --no-fsync-faults: the disk nemesis fills disks only
        }
        Files.write(folder.resolve("schedule.txt"), Stream.concat(
                Stream.of("seed " + s.seed() + ", " + s.length().toSeconds() + " s, nemeses " + s.kinds() + ", " + s.nodes()
                        + " nodes, " + s.shards() + " shards"),
                plan.stream().map(st -> "at " + st.startMillis() + " ms for " + st.durationMillis() + " ms: " + st.fault().describe()))
                .toList());
        String kinds = s.kinds().stream().map(k -> k.name().toLowerCase()).sorted().collect(Collectors.joining(","));
        try (NetnsNetwork net = NetnsNetwork.create(s.prefix(), s.nodes(), s.clientNetns());
             ChaosNodes nodes = new ChaosNodes(net, s.bin(), folder, s.nodes(), s.shards(), s.fakeTime(), s.faultFs());
             BufferedWriter h = Files.newBufferedWriter(folder.resolve("history.tsv"));
             BufferedWriter n = Files.newBufferedWriter(folder.resolve("nemesis.log"));
             BufferedWriter t = Files.newBufferedWriter(folder.resolve("ttl.tsv"));
             BufferedWriter e = Files.newBufferedWriter(folder.resolve("errors.tsv"))) {
            historyFile = h;
            errorFile = e;
            errorFile.write("sent-ms\tclient\tkey\twhat the client saw");
            errorFile.newLine();
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
        if (result.passed() && !s.keep() && worstFault >= AVAILABILITY_AIM && worstQuiet >= AVAILABILITY_AIM) {
            // A pass keeps its small records (schedule, nemesis log, availability, result) for the
            // tier's table; the history and the process logs go, unless a window missed the
            // availability aim, whose requests can then be followed into the stores' logs.
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
                    requests.add(new Availability.Request((invokedNanos - startNanos) / 1_000_000,
                            (System.nanoTime() - startNanos) / 1_000_000, false, 1 + targets.httpTarget(client)));
                }

                @Override
                public void failed(long invokedNanos, int client, String key, String why) {
                    error((invokedNanos - startNanos) / 1_000_000, client, key, why);
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
                recovering = new RecoveringNodes(nodes.storeHttpBases());
                Nemeses nemeses = new Nemeses(net, nodes, placements, this::log, s.delayQueue(), s.seed());
                long late = 0;
                for (NemesisPlan.Step step : plan) {
                    superviseUntil(step.startMillis() + late, nodes, () -> { });
                    settleBefore(step, nodes, probe);
                    long begin = nowMillis();
                    late = begin - step.startMillis();
                    nemeses.strike(step.fault());
                    Runnable during = step.fault() instanceof Fault.LeaderChurn churn
                            ? placements.churnEvery(churn.everyMillis()) : () -> { };
                    superviseUntil(begin + step.durationMillis(), nodes, during);
                    nemeses.heal(step.fault());
                    long end = nowMillis();
                    struck.add(new NemesisPlan.Step(begin, end - begin, step.fault()));
                    step.fault().faultyNodes().forEach(node -> recovering.healed(node, end));
                }
                lengthMillis = Math.max(s.length().toMillis(), nowMillis());
                superviseUntil(lengthMillis, nodes, () -> { });
                long healedAt = System.nanoTime();
                net.heal();
                recovery = await(RECOVERY, () -> supervised(nodes) && probe.settled(3)) ? (System.nanoTime() - healedAt) / 1_000_000 : -1;
                log("recovered in " + recovery + " ms");
                // Placement's view misses a store whose JVM runs but answers nothing (a stopped JVM
                // is still a voter): every store must answer /ready too. A store restarting after
                // its disk healed may take its 30 s here; that is not the shards' recovery above.
                if (!await(RECOVERY, () -> supervised(nodes) && recovering.allReady())) {
                    problems.add("not every store answered /ready within " + RECOVERY.toSeconds() + " s of the final heal");
                    for (int node : recovering.notReady()) {
                        // What a silent store's threads wait on: the JVM stops have had no stack so far.
                        log("s" + node + " does not answer /ready; its threads: " + nodes.dumpStoreThreads(node));
                    }
                } else {
                    log("every store answers /ready " + (System.nanoTime() - healedAt) / 1_000_000 + " ms after the final heal");
                }
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
            windows = Availability.measure(List.copyOf(requests), struck, GRACE_MILLIS, lengthMillis,
                    recovering.outages(lengthMillis));
            writeWindows(windows);
        }
        if (recovery < 0) {
            problems.add("the cluster did not recover (every shard with 3 replicas and a leader) within " + RECOVERY.toSeconds() + " s");
        }
        supervise(nodes);
    }

    private void record(Operation op, int pinnedNode) {
        history.add(op);
        // Recorded as the call ends: an unknown outcome ended now (the error or timeout its client saw).
        long ended = op.unknown() ? System.nanoTime() : op.returnedAt();
        requests.add(new Availability.Request((op.invokedAt() - startNanos) / 1_000_000,
                (Math.max(ended, op.invokedAt()) - startNanos) / 1_000_000, !op.unknown(), pinnedNode));
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

    /** The most lines errors.tsv gets: enough to read what went wrong, bounded for a run that fails throughout. */
    private static final int MAX_ERROR_LINES = 20_000;

    /** One failed call, as its client saw it, to errors.tsv (kept after a pass: it is how a run's availability is read). */
    private synchronized void error(long sentMillis, int client, String key, String why) {
        if (errorsWritten++ >= MAX_ERROR_LINES) {
            return;
        }
        try {
            errorFile.write(sentMillis + "\t" + client + "\t" + key + "\t" + why.replace('\n', ' ').replace('\t', ' '));
            errorFile.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void log(String line) throws IOException {
        nemesisLog.write(String.format("%8d ms  %s%n", (System.nanoTime() - startNanos) / 1_000_000, line));
        nemesisLog.flush();
        historyFile.flush();
        ttlFile.flush();
        errorFile.flush();
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
            recovering.poll(nowMillis());
            long left = millisAfterStart - nowMillis();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(left, recovering.any() ? 100 : 500));
        }
    }

    /**
     * Holds the next fault until the last one is over: every node that was faulty serves again
     * and every shard has a leader and three voters (at most {@link #SETTLE_BETWEEN_FAULTS}). A store restarted
     * after kill -9 takes seconds to serve; striking another node meanwhile would make two faulty
     * at once, which the availability aim excludes. The wait, if any, goes to the nemesis log, and
     * the rest of the plan moves by it.
     */
    private void settleBefore(NemesisPlan.Step step, ChaosNodes nodes, PdProbe probe) throws InterruptedException, IOException {
        long from = nowMillis();
        boolean settled = false;
        while (nowMillis() - from < SETTLE_BETWEEN_FAULTS.toMillis()) {
            supervise(nodes);
            recovering.poll(nowMillis());
            if (!recovering.any() && probe.settled(3)) {
                settled = true;
                break;
            }
            Thread.sleep(100);
        }
        long waited = nowMillis() - from;
        if (!settled) {
            log("the cluster had not settled " + SETTLE_BETWEEN_FAULTS.toSeconds() + " s after the last fault; striking anyway: "
                    + step.fault().describe());
        } else if (waited >= 100) {
            log("waited " + waited + " ms for the last fault's node to serve again before: " + step.fault().describe());
        }
    }

    private long nowMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * Restarts what exited on its own, as a supervisor would, and notes it. A store exiting with
     * code 74 after its Raft log failed (a full disk) is the designed answer; any other exit is a
     * problem of the run.
     */
    private void supervise(ChaosNodes nodes) throws IOException {
        for (String line : nodes.superviseExited()) {
            log(line);
            // A store exits when its Raft log fails (74); while its disk fails fsyncs it may also
            // fail to start at all, with any code. Anything else is a finding, and so is any exit
            // while its disk only takes short writes (nothing fails there).
            if (line.endsWith(ChaosNodes.SHORT_WRITES_NOTE)
                    || !line.contains("exited with code " + STORE_LOG_FAILED_EXIT + ";") && !line.endsWith(ChaosNodes.DISK_FAILING_NOTE)) {
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
