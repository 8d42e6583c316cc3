package io.ringcache.chaos.adapter.workload;

import io.ringcache.chaos.core.SetChecker;
import io.ringcache.client.CasResult;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.Versioned;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Grow-only sets (and counters, their sizes) through the SDK: clients share a few set keys and
 * add unique elements ({@code a<client>-<n>}) by reading the key and compare-and-setting its
 * whole value to the old elements plus the new one, retrying on a lost race. An add is recorded
 * as attempted when its compare-and-set is sent and as acknowledged when it succeeds; a failed
 * or timed-out one stays attempted only. The clients move to fresh keys every
 * {@link #ADDS_PER_KEY} acknowledged adds, so values stay small. At the end every key is read once
 * more (linearizable) for {@link SetChecker}.
 */
public final class SetWorkload implements AutoCloseable {

    static final int ADDS_PER_KEY = 200;

    private final RingcacheClient sdk;
    private final int clients;
    private final int keys;
    private final AtomicInteger acknowledgedTotal = new AtomicInteger();
    private final Map<String, Set<String>> attempted = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
    private final ClientThreads threads = new ClientThreads();

    /** @param keys set keys the clients share at a time */
    public SetWorkload(RingcacheClient sdk, int clients, int keys) {
        this.sdk = sdk;
        this.clients = clients;
        this.keys = keys;
    }

    public void start() {
        threads.start("set-client", clients, client -> n -> {
            int generation = acknowledgedTotal.get() / (ADDS_PER_KEY * keys);
            add(key(generation, (client + n) % keys), "a" + client + "-" + n);
        });
    }

    /** Adds {@code element} to the set at {@code key}: read, compare-and-set, again on a lost race. */
    private void add(String key, String element) {
        byte[] k = bytes(key);
        attempted.computeIfAbsent(key, x -> ConcurrentHashMap.newKeySet()).add(element);
        for (int tries = 0; tries < 20 && !threads.stopping(); tries++) {
            try {
                Optional<Versioned> current = sdk.get(k, ReadOptions.linearizable());
                String old = current.map(v -> new String(v.value(), StandardCharsets.UTF_8)).orElse(null);
                String next = old == null || old.isEmpty() ? element : old + "," + element;
                CasResult r = old == null ? sdk.putIfAbsent(k, bytes(next), Duration.ZERO)
                        : sdk.compareAndSetValue(k, bytes(old), bytes(next));
                if (r.succeeded()) {
                    acknowledged.computeIfAbsent(key, x -> ConcurrentHashMap.newKeySet()).add(element);
                    acknowledgedTotal.incrementAndGet();
                    return;
                }
            } catch (RuntimeException e) {
                // Unknown: the element may be in the set; it stays attempted, and is not re-added
                // (a second add could only be told apart by a duplicate, which the checker reports).
                return;
            }
        }
    }

    /** Stops the clients, waits for their calls in flight, then reads every set once more. */
    public List<SetChecker.SetHistory> finish(Duration perKey) throws InterruptedException {
        close();
        List<SetChecker.SetHistory> out = new ArrayList<>();
        for (String key : attempted.keySet().stream().sorted().toList()) {
            List<String> elements = null;
            long deadline = System.nanoTime() + perKey.toNanos();
            while (elements == null && System.nanoTime() < deadline) {
                try {
                    elements = SetChecker.elements(sdk.get(bytes(key), ReadOptions.linearizable())
                            .map(v -> new String(v.value(), StandardCharsets.UTF_8)).orElse(null));
                } catch (RuntimeException e) {
                    Thread.sleep(100);
                }
            }
            out.add(new SetChecker.SetHistory(key, acknowledged.getOrDefault(key, Set.of()), attempted.get(key), elements));
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        threads.close();
    }

    static String key(int generation, int k) {
        return "set" + generation + "." + k;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
