package io.ringcache.chaos.adapter.workload;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Single-key registers under concurrent clients: reads, writes, deletes and compare-and-sets on a
 * few keys, through the SDK (batched lanes straight to shard leaders) and through stores' HTTP API
 * ({@code /v1/kv/{key}}: reads, puts, deletes, which the stores coalesce into shared ReadIndex
 * rounds and forwarded batches). Every operation is handed to the sink as it completes.
 *
 * <p>Recording rules, so that the history tells the checker the truth: a call that failed or timed
 * out is recorded with an unknown outcome (it may have applied), never dropped; a read that failed
 * constrains nothing; every value written is unique ({@code c<client>-<n>}), so a read names the
 * write it saw. The seed fixes each client's choices, not the cluster's timing.
 *
 * <p>Keys are independent and short-lived, as Jepsen's are: the clients share {@code keys} keys of
 * the current generation, and the generation moves on every {@code keys x OPS_PER_KEY} operations,
 * so each key's history stays short. That keeps the checker's search small even when a fault
 * leaves many writes with unknown outcomes (each stays concurrent with everything after it), and
 * the final read of every key of every generation still finds a lost acknowledged write.
 */
public final class RegisterWorkload implements AutoCloseable {

    /** Where recorded operations go, with the client that ran each. */
    @FunctionalInterface
    public interface Sink {
        /** {@code client} is the index of the client thread; see {@link Targets#httpTarget}. */
        void record(Operation op, int client);

        /**
         * A call that certainly changed nothing (the connection was refused or never made): it is
         * no part of the history, but it was a request that got no answer.
         */
        default void refused(long invokedNanos, int client) {
        }

        /** Why a call got no answer: the exception or HTTP status the client saw (for reading a run, not for checking). */
        default void failed(long invokedNanos, int client, String key, String why) {
        }
    }

    /** Where the clients send their calls: clients 0..sdkClients-1 use the SDK, the rest HTTP. */
    public record Targets(RingcacheClient sdk, int sdkClients, List<String> httpBases, int httpClients) {
        public Targets {
            httpBases = List.copyOf(httpBases);
            if (httpClients > 0 && httpBases.isEmpty()) {
                throw new IllegalArgumentException("HTTP clients need at least one store's HTTP base URL");
            }
        }

        /** The index in {@link #httpBases} that {@code client} sends to; -1 for an SDK client (it follows leaders). */
        public int httpTarget(int client) {
            return client < sdkClients ? -1 : (client - sdkClients) % httpBases.size();
        }
    }

    private final Targets targets;
    private final int keys;
    private final long seed;
    private final ReadOptions reads;
    private final Sink sink;
    /** How long an HTTP client waits for an answer. */
    public static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    /** Roughly how many operations each key of a generation gets. */
    static final int OPS_PER_KEY = 100;
    private final ClientThreads threads = new ClientThreads();

    /**
     * @param reads how the SDK clients read; anything but linearizable is a deliberately broken client
     *              (its reads are still recorded as linearizable), for showing the checker catches it
     * @param sink  gets every operation, from the clients' threads (must be thread-safe)
     */
    public RegisterWorkload(Targets targets, int keys, long seed, ReadOptions reads, Sink sink) {
        this.targets = targets;
        this.keys = keys;
        this.seed = seed;
        this.reads = reads;
        this.sink = sink;
    }

    /** Starts the clients; each runs until {@link #close}. */
    public void start() {
        int clients = targets.sdkClients() + targets.httpClients();
        threads.start("register-client", clients, clientId -> {
            Random random = new Random(seed + clientId);
            boolean sdk = clientId < targets.sdkClients();
            String base = sdk ? null : targets.httpBases().get(targets.httpTarget(clientId));
            return n -> {
                Operation op = sdk ? viaSdk(clientId, n, random) : viaHttp(base, clientId, n, random);
                if (op == REFUSED) {
                    op = null;
                    pause(100); // a client backs off from a store that is not there
                }
                if (op != null) {
                    sink.record(op, clientId);
                }
                completed.incrementAndGet();
            };
        });
    }

    /** Operations finished so far (answered or not). */
    public int completed() {
        return completed.get();
    }

    /**
     * After the clients stopped: one linearizable read of every key of every generation through
     * the SDK, each retried until answered for up to {@code perKey} (and {@code budget} for them
     * all), so a lost acknowledged write shows as a violation. Returns the keys no read answered.
     */
    public List<String> readEveryKey(Duration perKey, Duration budget) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        List<String> unanswered = new ArrayList<>();
        for (int i = 0; i < (generation() + 1) * keys; i++) {
            String key = key(i / keys, i % keys);
            Operation op = null;
            long keyDeadline = Math.min(deadline, System.nanoTime() + perKey.toNanos());
            while (System.nanoTime() < keyDeadline) {
                long invoked = System.nanoTime();
                try {
                    Optional<Versioned> v = targets.sdk().get(bytes(key), ReadOptions.linearizable());
                    op = new Operation(ids.getAndIncrement(), key, new Operation.Call.Read(), new Operation.Outcome.Value(text(v)),
                            invoked, System.nanoTime());
                    break;
                } catch (RuntimeException e) {
                    Thread.sleep(100);
                }
            }
            if (op == null) {
                unanswered.add(key);
            } else {
                sink.record(op, 0);
            }
        }
        return unanswered;
    }

    /** Stops the clients and waits for their calls in flight (each bounded by its timeout). */
    @Override
    public void close() throws InterruptedException {
        threads.close();
    }

    /** Key {@code k} of generation {@code generation}. */
    public static String key(int generation, int k) {
        return "h" + generation + "." + k;
    }

    private int generation() {
        return completed.get() / (keys * OPS_PER_KEY);
    }

    /** One SDK operation chosen by {@code random}; null when nothing was sent (the read before a compare-and-set failed). */
    private Operation viaSdk(int clientId, int n, Random random) {
        String key = key(generation(), random.nextInt(keys));
        byte[] k = bytes(key);
        String fresh = "c" + clientId + "-" + n;
        int dice = random.nextInt(10);
        RingcacheClient client = targets.sdk();
        Operation.Call sent = null;
        long invoked = System.nanoTime();
        int id = ids.getAndIncrement();
        try {
            if (dice < 4) {
                sent = new Operation.Call.Read();
                Optional<Versioned> v = client.get(k, reads);
                return done(id, key, sent, new Operation.Outcome.Value(text(v)), invoked);
            }
            if (dice < 7) {
                sent = new Operation.Call.Write(fresh);
                client.put(k, bytes(fresh), Duration.ZERO);
                return done(id, key, sent, new Operation.Outcome.Done(), invoked);
            }
            if (dice < 8) {
                sent = new Operation.Call.Delete();
                client.delete(k);
                return done(id, key, sent, new Operation.Outcome.Done(), invoked);
            }
            // Compare-and-set against what this client last saw of the key, so some succeed.
            String expected = text(client.get(k, reads));
            sent = new Operation.Call.CompareAndSet(expected, fresh);
            invoked = System.nanoTime();
            CasResult r = expected == null ? client.putIfAbsent(k, bytes(fresh), Duration.ZERO)
                    : client.compareAndSetValue(k, bytes(expected), bytes(fresh));
            return done(id, key, sent, new Operation.Outcome.Swapped(r.succeeded()), invoked);
        } catch (RuntimeException e) {
            sink.failed(invoked, clientId, key, e.getClass().getSimpleName() + ": " + e.getMessage());
            // It may have applied: recorded with an unknown outcome, never dropped.
            return sent == null ? null : new Operation(id, key, sent, new Operation.Outcome.Unknown(), invoked, Operation.NEVER);
        }
    }

    /** What {@link #viaHttp} answers for a call that never reached the store. */
    private static final Operation REFUSED = new Operation(-1, "refused", new Operation.Call.Read(),
            new Operation.Outcome.Unknown(), 0, 0);

    /**
     * One read, put or delete through a store's HTTP API; a 5xx or a broken connection is an
     * unknown outcome, a connection never made is {@link #REFUSED} (nothing was sent).
     */
    private Operation viaHttp(String base, int clientId, int n, Random random) {
        String key = key(generation(), random.nextInt(keys));
        String fresh = "c" + clientId + "-" + n;
        int dice = random.nextInt(10);
        Operation.Call sent = dice < 4 ? new Operation.Call.Read()
                : dice < 8 ? new Operation.Call.Write(fresh) : new Operation.Call.Delete();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/kv/" + key)).timeout(HTTP_TIMEOUT);
        if (sent instanceof Operation.Call.Write) {
            request.PUT(HttpRequest.BodyPublishers.ofString(fresh));
        } else if (sent instanceof Operation.Call.Delete) {
            request.DELETE();
        }
        int id = ids.getAndIncrement();
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
            sink.failed(invoked, clientId, key, "HTTP " + r.statusCode() + " from " + base + ": " + r.body().strip());
        } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
            // The store was not there: nothing was sent.
            sink.refused(invoked, clientId);
            return REFUSED;
        } catch (IOException e) {
            // No answer: it may have applied.
            sink.failed(invoked, clientId, key, e.getClass().getSimpleName() + " from " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Operation(id, key, sent, new Operation.Outcome.Unknown(), invoked, Operation.NEVER);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Operation done(int id, String key, Operation.Call call, Operation.Outcome outcome, long invoked) {
        return new Operation(id, key, call, outcome, invoked, System.nanoTime());
    }

    private static String text(Optional<Versioned> v) {
        return v.map(x -> new String(x.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
