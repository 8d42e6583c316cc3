package io.ringcache.e2e;

import static io.ringcache.e2e.NumberedValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.chaos.adapter.grpc.PdProbe;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.RingcacheException;
import io.ringcache.client.Versioned;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Redis' volatile policies on real processes: three stores with {@code -maxmemory 24MiB} and
 * {@code -maxmemory_policy volatile-lru}. Keys written without a TTL are never evicted, however
 * much is written with one; writes with a TTL keep being accepted (their older peers make room);
 * and once only keys without a TTL are left, a write that needs room is refused, typed, naming
 * the policy, as Redis answers {@code -OOM} under a volatile policy with no volatile key left.
 */
class VolatileEvictionProcessIT {

    private static final long MAXMEMORY = 24L << 20;
    private static final int VALUE_BYTES = 32 << 10;
    private static final int PINNED = 64; // 2 MiB without TTL
    private static final int EXPIRING = (int) (10 * MAXMEMORY / VALUE_BYTES); // 240 MiB with a TTL

    @Test
    void keysWithoutTtlAreNeverEvictedAndOnlyTheyLeftMeansRefusal() throws Exception {
        try (ClusterProcesses cluster = new ClusterProcesses()) {
            String pd = "127.0.0.1:" + ClusterProcesses.freePort();
            EvictionProcessIT.startSmallCache(cluster, pd, "volatile-lru");
            try (PdProbe probe = new PdProbe(pd)) {
                cluster.await("every shard with 3 replicas and a leader", () -> probe.settled(3));
                try (RingcacheClient client = RingcacheClient.builder().placementDriver(pd)
                        .requestTimeout(Duration.ofSeconds(20)).build()) {
                    byte[] filler = new byte[VALUE_BYTES];
                    Arrays.fill(filler, (byte) 'x');
                    for (int base = 0; base < PINNED; base += 16) {
                        client.putAll(batch("p", base, filler), Duration.ZERO);
                    }
                    int refused = 0;
                    for (int base = 0; base < EXPIRING; base += 16) {
                        try {
                            client.putAll(batch("t", base, filler), Duration.ofHours(1));
                        } catch (RingcacheException e) {
                            refused++;
                            System.out.println("VolatileEvictionProcessIT: TTL batch at " + base + " failed: " + e.getMessage());
                        }
                    }
                    assertEquals(0, refused, "writes with a TTL make room by evicting older ones with a TTL");
                    assertAllPinned(client);

                    // Now keys without a TTL: they push out what TTL keys are left, then nothing is evictable.
                    RingcacheException.Rejected full = null;
                    for (int base = 0; base < EXPIRING && full == null; base += 16) {
                        try {
                            client.putAll(batch("n", base, filler), Duration.ZERO);
                        } catch (RingcacheException.Rejected e) {
                            full = e;
                        }
                    }
                    assertNotNull(full, "a full store with no key left to evict under volatile-lru refuses");
                    assertEquals("SHARD_FULL", full.reason(), full.getMessage());
                    assertTrue(full.getMessage().contains("maxmemory policy"), full.getMessage());
                    System.out.println("VolatileEvictionProcessIT: refused once no TTL key was left: " + full.getMessage());
                    assertAllPinned(client);
                }
            }
        }
    }

    private static void assertAllPinned(RingcacheClient client) {
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < PINNED; i++) {
            keys.add(("p" + i).getBytes(StandardCharsets.UTF_8));
        }
        List<Optional<Versioned>> values = client.getAll(keys);
        for (int i = 0; i < PINNED; i++) {
            assertTrue(values.get(i).isPresent(), "p" + i + " has no TTL and was evicted under volatile-lru");
            assertEquals(i, NumberedValues.numberOf(values.get(i).get().value()));
        }
    }

    private static List<Map.Entry<byte[], byte[]>> batch(String prefix, int base, byte[] filler) {
        List<Map.Entry<byte[], byte[]>> batch = new ArrayList<>();
        for (int i = base; i < base + 16; i++) {
            batch.add(new AbstractMap.SimpleEntry<>((prefix + i).getBytes(StandardCharsets.UTF_8), value(i, filler)));
        }
        return batch;
    }
}
