package io.ringcache.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringcache.chaos.core.LinearizabilityChecker;
import io.ringcache.chaos.core.Operation;
import io.ringcache.client.CasResult;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.Versioned;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * the write it saw. The seed is printed and fixes the clients' choices (not the cluster's timing).
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
        checkHistory("kill -9 of s3", cluster -> cluster.kill("s3"));
    }

    @Test
    void aHistoryAcrossAPauseLongerThanAnElectionIsLinearizable() throws Exception {
        // SIGSTOP past the stores' election timeout (2-4 s), then SIGCONT: a leader that wakes up
        // must not serve what it no longer may.
        checkHistory("SIGSTOP of s3 for 6 s", cluster -> {
            cluster.pause("s3");
            Thread.sleep(6_000);
            cluster.resume("s3");
        });
    }

    /** A fault done to the cluster in the middle of the run. */
    private interface Nemesis {
        void strike(ClusterProcesses cluster) throws Exception;
    }

    private void checkHistory(String fault, Nemesis nemesis) throws Exception {
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
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            try (PdProbe probe = new PdProbe(pd);
                 RingcacheClient client = RingcacheClient.builder().placementDriver(pd).requestTimeout(Duration.ofSeconds(5)).build()) {
                cluster.await("every shard with 3 replicas and a leader", () -> probe.settled(3));

                List<Operation> history = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger ids = new AtomicInteger();
                AtomicInteger completed = new AtomicInteger();
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> workers = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    Random random = new Random(seed + c);
                    int clientId = c;
                    // Clients 0 and 1: the SDK. Clients 2 and 3: HTTP through s1 and s2 (never
                    // through s3, the store the nemesis strikes).
                    String base = "http://127.0.0.1:" + httpPorts.get(c % 2) + "/v1/kv/";
                    Thread t = new Thread(() -> {
                        int n = 0;
                        while (!stop.get()) {
                            Operation op = clientId < CLIENTS / 2
                                    ? one(client, clientId, n++, random, ids.getAndIncrement())
                                    : oneOverHttp(http, base, clientId, n++, random, ids.getAndIncrement());
                            if (op != null) {
                                history.add(op);
                            }
                            completed.incrementAndGet();
                        }
                    }, "history-client-" + c);
                    t.start();
                    workers.add(t);
                }
                cluster.await("500 operations before the fault", () -> completed.get() >= 500);
                nemesis.strike(cluster);
                int atFault = completed.get();
                cluster.await("500 operations after the fault", () -> completed.get() >= atFault + 500);
                stop.set(true);
                for (Thread t : workers) {
                    t.join(30_000);
                }

                List<Operation> recorded = List.copyOf(history);
                long unknown = recorded.stream().filter(Operation::unknown).count();
                LinearizabilityChecker.Verdict verdict = LinearizabilityChecker.check(recorded);
                System.out.println("LinearizableHistoryProcessIT, " + fault + ": " + recorded.size() + " operations (" + unknown
                        + " with unknown outcome) on " + KEYS + " keys: " + verdict.getClass().getSimpleName());
                if (!(verdict instanceof LinearizabilityChecker.Verdict.Linearizable)) {
                    // The whole history, for reading; the assertion names the key and the file.
                    Path file = Path.of("target", "history-" + seed + ".txt").toAbsolutePath();
                    Files.createDirectories(file.getParent());
                    Files.write(file, recorded.stream().map(Operation::toString).toList());
                    fail("seed " + seed + ", " + fault + ": " + describe(verdict) + "; the history is in " + file);
                }
                assertTrue(recorded.size() - unknown >= 800, "most operations got an answer: " + unknown + " did not");
            }
        }
    }

    /**
     * One operation, chosen by {@code random}, run and recorded; null when nothing was sent (the
     * read before a compare-and-set failed).
     */
    private static Operation one(RingcacheClient client, int clientId, int n, Random random, int id) {
        String key = "h" + random.nextInt(KEYS);
        byte[] k = b(key);
        String fresh = "c" + clientId + "-" + n;
        int dice = random.nextInt(10);
        Operation.Call sent = null;
        long invoked = System.nanoTime();
        try {
            if (dice < 4) {
                sent = new Operation.Call.Read();
                Optional<Versioned> v = client.get(k, READS);
                return done(id, key, sent, new Operation.Outcome.Value(text(v)), invoked);
            }
            if (dice < 7) {
                sent = new Operation.Call.Write(fresh);
                client.put(k, b(fresh), Duration.ZERO);
                return done(id, key, sent, new Operation.Outcome.Done(), invoked);
            }
            if (dice < 8) {
                sent = new Operation.Call.Delete();
                client.delete(k);
                return done(id, key, sent, new Operation.Outcome.Done(), invoked);
            }
            // Compare-and-set against what this client last saw of the key, so some succeed.
            String expected = text(client.get(k, READS));
            sent = new Operation.Call.CompareAndSet(expected, fresh);
            invoked = System.nanoTime();
            CasResult r = expected == null ? client.putIfAbsent(k, b(fresh), Duration.ZERO)
                    : client.compareAndSetValue(k, b(expected), b(fresh));
            return done(id, key, sent, new Operation.Outcome.Swapped(r.succeeded()), invoked);
        } catch (RuntimeException e) {
            // It may have applied: recorded with an unknown outcome, never dropped.
            return sent == null ? null : new Operation(id, key, sent, new Operation.Outcome.Unknown(), invoked, Operation.NEVER);
        }
    }

    private static String describe(LinearizabilityChecker.Verdict verdict) {
        if (verdict instanceof LinearizabilityChecker.Verdict.Violation v) {
            return "the history of key " + v.key() + " (" + v.operations().size() + " operations) is not linearizable";
        }
        return verdict.toString();
    }

    private static String text(Optional<Versioned> v) {
        return v.map(x -> new String(x.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    /** One read, put or delete through the HTTP API, recorded; a failure or a 5xx is an unknown outcome. */
    private static Operation oneOverHttp(HttpClient http, String base, int clientId, int n, Random random, int id) {
        String key = "h" + random.nextInt(KEYS);
        String fresh = "c" + clientId + "-" + n;
        int dice = random.nextInt(10);
        Operation.Call sent = dice < 4 ? new Operation.Call.Read()
                : dice < 8 ? new Operation.Call.Write(fresh) : new Operation.Call.Delete();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + key)).timeout(Duration.ofSeconds(5));
        if (sent instanceof Operation.Call.Write) {
            request.PUT(HttpRequest.BodyPublishers.ofString(fresh));
        } else if (sent instanceof Operation.Call.Delete) {
            request.DELETE();
        }
        long invoked = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            long returned = System.nanoTime();
            if (sent instanceof Operation.Call.Read && (r.statusCode() == 200 || r.statusCode() == 404)) {
                return new Operation(id, key, sent, new Operation.Outcome.Value(r.statusCode() == 200 ? r.body() : null),
                        invoked, returned);
            }
            if (!(sent instanceof Operation.Call.Read) && r.statusCode() == 200) {
                return new Operation(id, key, sent, new Operation.Outcome.Done(), invoked, returned);
            }
        } catch (IOException e) {
            // No answer: it may have applied.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Operation(id, key, sent, new Operation.Outcome.Unknown(), invoked, Operation.NEVER);
    }

    private static Operation done(int id, String key, Operation.Call call, Operation.Outcome outcome, long invoked) {
        return new Operation(id, key, call, outcome, invoked, System.nanoTime());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
