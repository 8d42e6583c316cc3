package io.ringcache.e2e;

import static io.ringcache.e2e.NumberedValues.key;
import static io.ringcache.e2e.NumberedValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.chaos.adapter.grpc.PdProbe;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.RingcacheException;
import io.ringcache.client.Versioned;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 on real processes: three stores with {@code -maxmemory 24MiB} (six replicas of 4 MiB
 * each) and the default policy, allkeys-lru, take ten times that much data through the SDK with
 * no write refused. Shards first split while the stores have room, then evict. Each store's data
 * stays within its limit plus 5%, the most recently written values all read back, and the stores
 * report their evictions in {@code /metrics}.
 */
class EvictionProcessIT {

    private static final long MAXMEMORY = 24L << 20;
    private static final int VALUE_BYTES = 32 << 10;
    private static final int VALUES = (int) (10 * MAXMEMORY / VALUE_BYTES); // 7,680 values, 240 MiB
    private static final int RECENT = 96; // the last 3 MiB written: the youngest eighth of what fits
    private static final Pattern USED = Pattern.compile("(?m)^ringcache_store_memory_used_bytes (\\S+)$");
    private static final Pattern EVICTED = Pattern.compile("(?m)^ringcache_evicted_keys_total\\{policy=\"allkeys-lru\",?\\} (\\S+)$");

    @Test
    void aSmallCacheTakesTenTimesItsMemoryAndKeepsTheRecentKeys() throws Exception {
        try (ClusterProcesses cluster = new ClusterProcesses()) {
            String pd = "127.0.0.1:" + ClusterProcesses.freePort();
            int[] http = startSmallCache(cluster, pd, "allkeys-lru");
            try (PdProbe probe = new PdProbe(pd)) {
                cluster.await("every shard with 3 replicas and a leader", () -> probe.settled(3));
                // Built once placement answers: the builder reads the map at once, within its connect timeout.
                try (RingcacheClient client = RingcacheClient.builder().placementDriver(pd)
                        .requestTimeout(Duration.ofSeconds(20)).build()) {
                    byte[] filler = new byte[VALUE_BYTES];
                    Arrays.fill(filler, (byte) 'x');
                    int refused = 0;
                    double peak = 0;
                    for (int base = 0; base < VALUES; base += 16) {
                        List<Map.Entry<byte[], byte[]>> batch = new ArrayList<>();
                        for (int i = base; i < base + 16; i++) {
                            batch.add(new AbstractMap.SimpleEntry<>(key(i), value(i, filler)));
                        }
                        try {
                            client.putAll(batch, Duration.ZERO);
                        } catch (RingcacheException e) {
                            refused++;
                            System.out.println("EvictionProcessIT: batch at " + base + " failed: " + e.getMessage());
                        }
                        if (base % 1024 == 0) {
                            for (int port : http) {
                                peak = Math.max(peak, metric(cluster, port, USED));
                            }
                        }
                    }
                    double evicted = 0;
                    for (int port : http) {
                        double used = metric(cluster, port, USED);
                        peak = Math.max(peak, used);
                        evicted += metric(cluster, port, EVICTED);
                    }
                    System.out.println("EvictionProcessIT: " + VALUES + " values of " + VALUE_BYTES + " bytes into 3 stores of "
                            + (MAXMEMORY >> 20) + " MiB: " + refused + " batches refused, " + probe.status().getMap().getShardsCount()
                            + " shards, peak store data " + (long) peak + " bytes, " + (long) evicted + " keys evicted (all replicas)");
                    assertEquals(0, refused, "a cache evicts instead of refusing");
                    assertTrue(peak <= 1.05 * MAXMEMORY, "a store held " + (long) peak + " bytes, over -maxmemory plus 5%");
                    assertTrue(evicted > 0, "nothing was evicted");
                    List<byte[]> recent = new ArrayList<>();
                    for (int i = VALUES - RECENT; i < VALUES; i++) {
                        recent.add(key(i));
                    }
                    List<Optional<Versioned>> values = client.getAll(recent);
                    for (int i = 0; i < RECENT; i++) {
                        int n = VALUES - RECENT + i;
                        assertTrue(values.get(i).isPresent(), "recently written k" + n + " was evicted");
                        assertEquals(n, NumberedValues.numberOf(values.get(i).get().value()));
                    }
                }
            }
        }
    }

    /**
     * A placement driver at {@code pd} (4 shards, splitting at 2 MiB) and three stores with 4 MiB
     * shard replicas and {@code -maxmemory 24MiB} under {@code policy}; returns the stores' HTTP ports.
     */
    static int[] startSmallCache(ClusterProcesses cluster, String pd, String policy) throws java.io.IOException {
        cluster.startProgram("pd1", "ringcache-pd", "-grpc_addr", pd, "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(),
                "-http_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-data_dir", "data", "-shards", "4",
                "-split_size", "2MiB");
        int[] http = new int[3];
        for (int i = 0; i < 3; i++) {
            http[i] = ClusterProcesses.freePort();
            cluster.start("s" + (i + 1), "-node_id", "s" + (i + 1), "-http_addr", "127.0.0.1:" + http[i],
                    "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-raft_dir", "data", "-pd", pd,
                    "-shard_memory_mb", "4", "-maxmemory", (MAXMEMORY >> 20) + "MiB", "-maxmemory_policy", policy);
        }
        return http;
    }

    private static double metric(ClusterProcesses cluster, int port, Pattern pattern) {
        HttpResponse<String> r = cluster.get(port, "/metrics");
        Matcher m = pattern.matcher(r.body());
        if (!m.find()) {
            throw new AssertionError(pattern + " not in /metrics of " + port);
        }
        double value = Double.parseDouble(m.group(1));
        if (Double.isNaN(value)) {
            throw new AssertionError(pattern + " is NaN in /metrics of " + port);
        }
        return value;
    }
}
