package io.ringcache.client.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.RingcacheException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK's routing, retries and coalescing against a scripted cluster. */
class GrpcRingcacheClientTest {

    private FakeCluster cluster;
    private RingcacheClient client;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        cluster = new FakeCluster();
        client = RingcacheClient.builder().placementDriver(cluster.pdAddress()).requestTimeout(Duration.ofSeconds(3))
                .meterRegistry(meters).build();
    }

    @AfterEach
    void stop() {
        client.close();
        cluster.close();
    }

    private FakeCluster.FakeStore a() {
        return cluster.stores.get("a");
    }

    private FakeCluster.FakeStore b() {
        return cluster.stores.get("b");
    }

    @Test
    void goesStraightToTheLeader() {
        client.put("k", "v");
        assertEquals("v", client.get("k").orElseThrow().asString());
        assertTrue(b().seen.isEmpty(), "the follower saw nothing");
        assertEquals(2, a().seen.size());
    }

    @Test
    void followsNotLeaderHintsAtOnce() {
        a().mode = FakeCluster.Mode.NOT_LEADER_POINT_TO_OTHER;
        client.put("k", "v");
        assertEquals("v", client.get("k").orElseThrow().asString());
        assertEquals(1, a().seen.size(), "one NotLeader, then the hint is remembered");
        assertEquals(2, b().seen.size());
        assertTrue(meters.get("ringcache.client.retries").counter().count() >= 1);
    }

    @Test
    void refreshesTheMapOnStaleEpoch() {
        cluster.epoch.set(2);
        cluster.leader = "b";
        a().mode = FakeCluster.Mode.STALE_EPOCH;
        client.put("k", "v");
        assertEquals(2, ((GrpcRingcacheClient) client).mapEpoch());
        assertEquals(1, b().seen.size());
        assertTrue(meters.get("ringcache.client.map.refreshes").counter().count() >= 1);
    }

    @Test
    void anUnreachableLeaderIsBypassedThroughAnotherReplica() {
        a().server.shutdownNow();
        client.put("k", "v");
        assertEquals("v", client.get("k").orElseThrow().asString());
        assertTrue(b().seen.size() >= 2);
    }

    @Test
    void aRetriedWriteKeepsItsSequence() {
        a().mode = FakeCluster.Mode.APPLY_THEN_DROP_REPLY;
        client.put("k", "v");
        List<Long> seqs = new ArrayList<>(a().sequences);
        seqs.addAll(b().sequences);
        assertTrue(seqs.size() >= 2, "the write was re-sent: " + seqs);
        assertTrue(seqs.stream().allMatch(s -> s.equals(seqs.get(0))), "every re-send carries one sequence: " + seqs);
    }

    @Test
    void neverPastTheDeadline() {
        a().mode = FakeCluster.Mode.UNAVAILABLE;
        b().mode = FakeCluster.Mode.UNAVAILABLE;
        try (RingcacheClient quick = RingcacheClient.builder().placementDriver(cluster.pdAddress())
                .requestTimeout(Duration.ofMillis(400)).build()) {
            long start = System.nanoTime();
            RingcacheException.Timeout t = assertThrows(RingcacheException.Timeout.class, () -> quick.get("k"));
            long took = (System.nanoTime() - start) / 1_000_000;
            assertTrue(took < 1_500, "took " + took + " ms");
            assertTrue(t.getMessage().contains("no leader"), t.getMessage());
            assertTrue(t.shardId() >= 0);
        }
    }

    @Test
    void refusalsAreNotRetried() {
        a().mode = FakeCluster.Mode.TOO_LARGE;
        RingcacheException.Rejected r = assertThrows(RingcacheException.Rejected.class, () -> client.put("k", "v"));
        assertEquals("VALUE_TOO_LARGE", r.reason());
        assertEquals(1, a().seen.size());
    }

    @Test
    void concurrentGetsAreCoalescedIntoBatches() {
        client.put("k", "v");
        a().delayMillis = 50;
        List<CompletableFuture<Optional<io.ringcache.client.Versioned>>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(client.getAsync("k".getBytes(), io.ringcache.client.ReadOptions.linearizable()));
        }
        all.forEach(f -> assertEquals("v", f.join().orElseThrow().asString()));
        int calls = a().singleGets.get() + a().batchGets.get();
        assertTrue(a().batchGets.get() > 0 && calls < 60, "200 gets in " + calls + " calls ("
                + a().batchGets.get() + " batches)");
    }
}
