package io.ringcache.e2e;

import static io.ringcache.e2e.NumberedValues.key;
import static io.ringcache.e2e.NumberedValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.chaos.adapter.grpc.PdProbe;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.RingcacheException;
import io.ringcache.client.Versioned;
import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.StoreStatus;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 on real processes, scaled to CI: a three-store cluster whose shards may each hold 4 MiB
 * (4 shards: 16 MiB in all before splits existed) takes 48 MiB of values with no write refused,
 * because shards split by themselves at 2 MiB; every key reads back; two stores added then take a
 * fair share of the replicas and some leaderships, and every key still reads back.
 */
class ElasticShardsProcessIT {

    private static final int VALUE_BYTES = 32 << 10;
    private static final int VALUES = 1_536; // 48 MiB
    private static final long PACE_NANOS_PER_BATCH = 200_000_000L; // 16 values = 512 KiB every 0.2 s: 2.5 MiB/s

    @Test
    void theClusterGrowsBySplittingAndNewStoresTakeTheirShare() throws Exception {
        try (ClusterProcesses cluster = new ClusterProcesses()) {
            String pd = "127.0.0.1:" + ClusterProcesses.freePort();
            cluster.startProgram("pd1", "ringcache-pd", "-grpc_addr", pd, "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(),
                    "-http_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-data_dir", "data", "-shards", "4",
                    "-split_size", "2MiB", "-down_after", "3s", "-repair_after", "60s");
            for (int i = 1; i <= 3; i++) {
                startStore(cluster, "s" + i, pd);
            }
            try (PdProbe probe = new PdProbe(pd)) {
                cluster.await("every shard with 3 replicas and a leader", () -> probe.settled(3));
                // Built once placement answers: the builder reads the map at once, within its connect timeout.
                try (RingcacheClient client = RingcacheClient.builder().placementDriver(pd)
                        .requestTimeout(Duration.ofSeconds(20)).build()) {
                    byte[] value = new byte[VALUE_BYTES];
                    Arrays.fill(value, (byte) 'x');
                    int refused = 0;
                    long next = System.nanoTime();
                    for (int base = 0; base < VALUES; base += 16) {
                        List<Map.Entry<byte[], byte[]>> batch = new ArrayList<>();
                        for (int i = base; i < base + 16; i++) {
                            batch.add(new AbstractMap.SimpleEntry<>(key(i), value(i, value)));
                        }
                        try {
                            client.putAll(batch, Duration.ZERO);
                        } catch (RingcacheException e) {
                            refused++;
                            System.out.println("ElasticShardsProcessIT: batch at " + base + " failed: " + e.getMessage());
                        }
                        next += PACE_NANOS_PER_BATCH;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000);
                        }
                    }
                    GetClusterStatusResponse grown = probe.status();
                    System.out.println("ElasticShardsProcessIT: " + VALUES + " values of " + VALUE_BYTES + " bytes, " + refused
                            + " batches refused, " + grown.getMap().getShardsCount() + " shards");
                    assertEquals(0, refused, "no write refused while shards split by themselves");
                    assertTrue(grown.getMap().getShardsCount() >= 12, "48 MiB does not fit in fewer than 12 shards of 4 MiB: "
                            + grown.getMap().getShardsCount());
                    assertAllReadable(client);

                    startStore(cluster, "s4", pd);
                    startStore(cluster, "s5", pd);
                    cluster.await("s4 and s5 hold a fair share of the replicas and lead some shards", () -> {
                        GetClusterStatusResponse st = probe.status();
                        if (st == null || !probe.settled(3)) {
                            return false;
                        }
                        int shards = st.getMap().getShardsCount();
                        double fair = 3.0 * shards / 5;
                        for (StoreStatus s : st.getStoresList()) {
                            String id = s.getStore().getId();
                            if ((id.equals("s4") || id.equals("s5")) && (s.getReplicas() < 0.8 * fair || s.getLeaders() < 1)) {
                                return false;
                            }
                        }
                        return true;
                    });
                    assertAllReadable(client);
                }
            }
        }
    }

    private static void startStore(ClusterProcesses cluster, String id, String pd) throws java.io.IOException {
        cluster.start(id, "-node_id", id, "-http_addr", "127.0.0.1:" + ClusterProcesses.freePort(),
                "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-raft_dir", "data", "-pd", pd,
                "-shard_memory_mb", "4", "-memory", "512MiB",
                // Every acknowledged key must read back: a database's promise, so nothing is evicted.
                "-maxmemory_policy", "noeviction");
    }

    private static void assertAllReadable(RingcacheClient client) {
        for (int base = 0; base < VALUES; base += 64) {
            List<byte[]> keys = new ArrayList<>();
            for (int i = base; i < Math.min(VALUES, base + 64); i++) {
                keys.add(key(i));
            }
            List<Optional<Versioned>> values = client.getAll(keys);
            for (int i = 0; i < keys.size(); i++) {
                Optional<Versioned> v = values.get(i);
                int n = base + i;
                assertTrue(v.isPresent(), "lost k" + n);
                assertEquals(n, NumberedValues.numberOf(v.get().value()), "k" + n);
            }
        }
    }
}
