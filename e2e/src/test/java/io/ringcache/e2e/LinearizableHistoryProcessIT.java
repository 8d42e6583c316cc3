package io.ringcache.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringcache.chaos.adapter.grpc.PdProbe;
import io.ringcache.chaos.adapter.workload.RegisterWorkload;
import io.ringcache.chaos.core.HistoryCodec;
import io.ringcache.chaos.core.LinearizabilityChecker;
import io.ringcache.chaos.core.Operation;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Linearizable across a kill -9 and across a pause, checked rather than sampled: clients run reads,
 * writes, deletes and compare-and-sets on a few keys through the SDK against a real three-store
 * cluster, a store is killed (or stopped with SIGSTOP past an election, then continued) mid-run,
 * and the whole recorded history goes to the {@link LinearizabilityChecker}. Half the clients
 * use the SDK (batched lanes straight to leaders); the other half use the HTTP API of s1 and s2
 * ({@code /v1/kv/{key}}: reads, puts and deletes), which the stores coalesce into shared
 * ReadIndex rounds and forwarded batches, so both paths' answers are checked. A call
 * that failed or timed out is recorded with an unknown outcome (it may have applied), never
 * dropped; a read that failed constrains nothing. Every value written is unique, so a read names
 * the write it saw ({@link RegisterWorkload} holds these rules). The seed is printed and fixes the
 * clients' choices (not the cluster's timing).
 *
 * <p>{@code -Dhistory.reads=stale} reads with {@link ReadOptions#stale} (any replica, up to 5 s
 * behind) while still recording them as linearizable reads: a deliberately broken client that the
 * checker must catch (the test then fails; see chaos/README.md).
 */
class LinearizableHistoryProcessIT {

    private static final int CLIENTS = 4;
    private static final int KEYS = 6;
    private static final ReadOptions READS = "stale".equals(System.getProperty("history.reads"))
            ? ReadOptions.stale(Duration.ofSeconds(5)) : ReadOptions.linearizable();

    @Test
    void aHistoryAcrossAKillIsLinearizable() throws Exception {
        checkHistory("kill -9 of s3", (cluster, pd) -> cluster.kill("s3"));
    }

    @Test
    void aHistoryAcrossAPauseLongerThanAnElectionIsLinearizable() throws Exception {
        // SIGSTOP past the stores' election timeout (1-2 s, at most 4 s to notice), then SIGCONT: a leader that wakes up
        // must not serve what it no longer may.
        checkHistory("SIGSTOP of s3 for 6 s", (cluster, pd) -> {
            cluster.pause("s3");
            Thread.sleep(6_000);
            cluster.resume("s3");
        });
    }

    /**
     * Two live splits mid-run (issue 18): a shard splits, then one of its halves again, while the
     * clients go on; keys that move are refused by their old shard until the clients and stores
     * have the new map, and must keep every write acknowledged before, during and after.
     */
    @Test
    void aHistoryAcrossSplitsIsLinearizable() throws Exception {
        checkHistory("splits of shard 0, then of its new half", 24, (cluster, pd) -> {
            try (PdProbe probe = new PdProbe(pd)) {
                for (int shard : new int[] {0, 4}) {
                    String answer = probe.split(shard);
                    assertTrue(answer.startsWith("ok"), "split of shard " + shard + ": " + answer);
                    cluster.await("the split of shard " + shard + " done", probe::noSplitRunning);
                }
            }
        });
    }

    /** A fault done to the cluster in the middle of the run. */
    private interface Nemesis {
        void strike(ClusterProcesses cluster, String pd) throws Exception;
    }

    private void checkHistory(String fault, Nemesis nemesis) throws Exception {
        checkHistory(fault, KEYS, nemesis);
    }

    private void checkHistory(String fault, int keys, Nemesis nemesis) throws Exception {
        long seed = Long.getLong("history.seed", System.nanoTime());
        System.out.println("LinearizableHistoryProcessIT seed " + seed + ", " + fault + " (re-run: -Dhistory.seed=" + seed + ")");
        try (ClusterProcesses cluster = new ClusterProcesses()) {
            String pd = "127.0.0.1:" + ClusterProcesses.freePort();
            cluster.startProgram("pd1", "ringcache-pd", "-grpc_addr", pd, "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(),
                    "-http_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-data_dir", "data", "-shards", "4",
                    "-down_after", "2s", "-repair_after", "60s", "-election_timeout", "1000ms");
            List<Integer> httpPorts = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                httpPorts.add(cluster.startStore("s" + i, pd));
            }
            try (PdProbe probe = new PdProbe(pd)) {
                cluster.await("every shard with 3 replicas and a leader", () -> probe.settled(3));
                // Built once placement answers: the builder reads the map at once, within its connect timeout.
                try (RingcacheClient client = RingcacheClient.builder().placementDriver(pd).requestTimeout(Duration.ofSeconds(5)).build()) {

                    List<Operation> history = Collections.synchronizedList(new ArrayList<>());
                    // Clients 0 and 1: the SDK. Clients 2 and 3: HTTP through s1 and s2 (never
                    // through s3, the store the nemesis strikes).
                    RegisterWorkload.Targets targets = new RegisterWorkload.Targets(client, CLIENTS / 2,
                            List.of("http://127.0.0.1:" + httpPorts.get(0), "http://127.0.0.1:" + httpPorts.get(1)), CLIENTS / 2);
                    try (RegisterWorkload workload = new RegisterWorkload(targets, keys, seed, READS, (op, c) -> history.add(op))) {
                        workload.start();
                        cluster.await("500 operations before the fault", () -> workload.completed() >= 500);
                        nemesis.strike(cluster, pd);
                        int atFault = workload.completed();
                        cluster.await("500 operations after the fault", () -> workload.completed() >= atFault + 500);
                    }

                    List<Operation> recorded = List.copyOf(history);
                    long unknown = recorded.stream().filter(Operation::unknown).count();
                    LinearizabilityChecker.Verdict verdict = LinearizabilityChecker.check(recorded);
                    System.out.println("LinearizableHistoryProcessIT, " + fault + ": " + recorded.size() + " operations (" + unknown
                            + " with unknown outcome) on " + keys + " keys: " + verdict.getClass().getSimpleName());
                    if (!(verdict instanceof LinearizabilityChecker.Verdict.Linearizable)) {
                        // The whole history, for reading; the assertion names the key and the file.
                        Path file = Path.of("target", "history-" + seed + ".txt").toAbsolutePath();
                        Files.createDirectories(file.getParent());
                        Files.write(file, recorded.stream().map(HistoryCodec::encode).toList());
                        fail("seed " + seed + ", " + fault + ": " + describe(verdict) + "; the history is in " + file);
                    }
                    assertTrue(recorded.size() - unknown >= 800, "most operations got an answer: " + unknown + " did not");
                }
            }
        }
    }

    private static String describe(LinearizabilityChecker.Verdict verdict) {
        if (verdict instanceof LinearizabilityChecker.Verdict.Violation v) {
            return "the history of key " + v.key() + " (" + v.operations().size() + " operations) is not linearizable";
        }
        return verdict.toString();
    }
}
