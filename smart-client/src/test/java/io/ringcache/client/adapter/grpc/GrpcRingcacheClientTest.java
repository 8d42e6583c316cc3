package io.ringcache.client.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.RingcacheException;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.KeyValueWrite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    void writesOfKeysThatStayedAreNotHeldUpByMovedKeysTheyWereBatchedWith() throws Exception {
        // A split's parent refuses a coalesced part whole when one of its keys moved. Until the map
        // shows the split, a write of a key that stayed must not keep sharing its retries' batches
        // with moved keys, or it is refused as often as they are (bench/RESULTS.md: up to 630 ms).
        a().mode = FakeCluster.Mode.SPLITTING;
        b().mode = FakeCluster.Mode.SPLITTING;
        a().delayMillis = 30; // so the writes below queue behind one another and share batches
        List<java.util.concurrent.CompletableFuture<Long>> moved = new java.util.ArrayList<>();
        List<java.util.concurrent.CompletableFuture<Long>> stayed = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            cluster.moved.add(com.google.protobuf.ByteString.copyFromUtf8("moved-" + i));
        }
        for (int i = 0; i < 20; i++) {
            moved.add(client.putAsync(("moved-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {1}, Duration.ZERO));
            stayed.add(client.putAsync(("stayed-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {1}, Duration.ZERO));
        }
        java.util.concurrent.CompletableFuture.allOf(stayed.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(2, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(moved.stream().noneMatch(java.util.concurrent.CompletableFuture::isDone), "moved keys wait for the child");
        assertTrue(a().seen.stream().filter(BatchPutRequest.class::isInstance).map(BatchPutRequest.class::cast)
                .anyMatch(r -> r.getEntriesCount() > 1 && r.getEntriesList().stream().anyMatch(w -> cluster.moved.contains(w.getKey()))
                        && r.getEntriesList().stream().anyMatch(w -> w.getKey().toStringUtf8().startsWith("stayed"))),
                "the first writes shared batches");
        cluster.moved.clear(); // the child leads; the stores know it
        java.util.concurrent.CompletableFuture.allOf(moved.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(3, java.util.concurrent.TimeUnit.SECONDS);
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
    void aPlacementMemberWithAnOldMapIsLeftForAnotherWhenAStoreHasANewerOne() throws Exception {
        // A placement driver member cut off from its leader keeps serving the map it last had.
        // A store's StaleEpoch names a newer epoch; the client asks the next member for it instead
        // of asking the stale one again until the deadline (found by the fault suite).
        io.ringcache.proto.v1.PartitionMap frozen = cluster.map();
        io.grpc.Server stale = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(0).addService(
                new io.ringcache.proto.v1.PlacementDriverGrpc.PlacementDriverImplBase() {
                    @Override
                    public void getPartitionMap(io.ringcache.proto.v1.GetPartitionMapRequest r,
                                                io.grpc.stub.StreamObserver<io.ringcache.proto.v1.GetPartitionMapResponse> out) {
                        io.ringcache.proto.v1.GetPartitionMapResponse.Builder b = io.ringcache.proto.v1.GetPartitionMapResponse.newBuilder();
                        if (frozen.getEpoch() > r.getAfterEpoch()) {
                            b.setMap(frozen);
                        }
                        out.onNext(b.build());
                        out.onCompleted();
                    }
                }).build().start();
        try (RingcacheClient c = RingcacheClient.builder().placementDriver("127.0.0.1:" + stale.getPort(), cluster.pdAddress())
                .requestTimeout(Duration.ofSeconds(3)).build()) {
            cluster.epoch.set(2);
            cluster.leader = "b";
            a().mode = FakeCluster.Mode.STALE_EPOCH;
            c.put("k", "v");
            assertEquals(2, ((GrpcRingcacheClient) c).mapEpoch());
        } finally {
            stale.shutdownNow();
        }
    }

    @Test
    void aPlacementMemberThatTakesTheCallAndNeverAnswersIsNotWaitedFor() throws Exception {
        // Behind a one-way partition a member accepts the call and never answers. The refresh asks
        // the next member while that call is still open, instead of after its deadline (the fault
        // suite saw callers answered StaleEpoch for 2-3 s while the SDK waited on such a member).
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean silentOpen = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean askedWhileSilentOpen = new java.util.concurrent.atomic.AtomicBoolean();
        io.grpc.Server silent = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(0).addService(
                new io.ringcache.proto.v1.PlacementDriverGrpc.PlacementDriverImplBase() {
                    @Override
                    public void getPartitionMap(io.ringcache.proto.v1.GetPartitionMapRequest r,
                                                io.grpc.stub.StreamObserver<io.ringcache.proto.v1.GetPartitionMapResponse> out) {
                        if (calls.getAndIncrement() == 0) { // the client's first map, before the partition
                            out.onNext(io.ringcache.proto.v1.GetPartitionMapResponse.newBuilder().setMap(cluster.map()).build());
                            out.onCompleted();
                            return;
                        }
                        silentOpen.set(true);
                        ((io.grpc.stub.ServerCallStreamObserver<?>) out).setOnCancelHandler(() -> silentOpen.set(false));
                    }

                    @Override
                    public void watchPartitionMap(io.ringcache.proto.v1.GetPartitionMapRequest r,
                                                  io.grpc.stub.StreamObserver<io.ringcache.proto.v1.GetPartitionMapResponse> out) {
                        // open and silent
                    }
                }).build().start();
        io.grpc.Server current = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(0).addService(
                new io.ringcache.proto.v1.PlacementDriverGrpc.PlacementDriverImplBase() {
                    @Override
                    public void getPartitionMap(io.ringcache.proto.v1.GetPartitionMapRequest r,
                                                io.grpc.stub.StreamObserver<io.ringcache.proto.v1.GetPartitionMapResponse> out) {
                        if (silentOpen.get()) {
                            askedWhileSilentOpen.set(true);
                        }
                        io.ringcache.proto.v1.GetPartitionMapResponse.Builder b = io.ringcache.proto.v1.GetPartitionMapResponse.newBuilder();
                        if (cluster.epoch.get() > r.getAfterEpoch()) {
                            b.setMap(cluster.map());
                        }
                        out.onNext(b.build());
                        out.onCompleted();
                    }

                    @Override
                    public void watchPartitionMap(io.ringcache.proto.v1.GetPartitionMapRequest r,
                                                  io.grpc.stub.StreamObserver<io.ringcache.proto.v1.GetPartitionMapResponse> out) {
                        // the test exercises the refresh
                    }
                }).build().start();
        try (RingcacheClient c = RingcacheClient.builder()
                .placementDriver("127.0.0.1:" + silent.getPort(), "127.0.0.1:" + current.getPort())
                .requestTimeout(Duration.ofSeconds(5)).build()) {
            cluster.epoch.set(2);
            cluster.leader = "b";
            a().mode = FakeCluster.Mode.STALE_EPOCH;
            c.put("k", "v");
            assertEquals(2, ((GrpcRingcacheClient) c).mapEpoch());
            assertTrue(askedWhileSilentOpen.get(), "the next member was asked while the silent one held the call");
        } finally {
            silent.shutdownNow();
            current.shutdownNow();
        }
    }

    @Test
    void anUnreachableLeaderIsBypassedThroughAnotherReplica() {
        a().server.shutdownNow();
        client.put("k", "v");
        assertEquals("v", client.get("k").orElseThrow().asString());
        assertTrue(b().seen.size() >= 2);
    }

    @Test
    void aLeaderThatStopsAnsweringCostsOneAttemptNotTheCall() {
        // A leader cut off by a partition takes calls and never answers. Each call gives it one
        // attempt timeout, then another replica (forwarding) answers, well within the deadline;
        // the write keeps its sequence, since the silent store may have applied it.
        a().mode = FakeCluster.Mode.SILENT;
        try (RingcacheClient c = RingcacheClient.builder().placementDriver(cluster.pdAddress())
                .requestTimeout(Duration.ofSeconds(5)).attemptTimeout(Duration.ofMillis(200)).build()) {
            c.put("k", "v");
            assertEquals("v", c.get("k").orElseThrow().asString());
            assertEquals(Optional.empty(), c.get("absent"));
        }
        assertOneSequence(2);
        assertEquals(1, a().sequences.size(), "the write's re-send skipped the store that let it time out");
        assertTrue(a().deadlinesLeft.stream().allMatch(ms -> ms.isPresent() && ms.get() <= 200), a().deadlinesLeft.toString());
        assertTrue(b().seen.size() >= 3, "the other replica answered every call");
    }

    @Test
    void theAttemptTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> RingcacheClient.builder().attemptTimeout(Duration.ZERO));
    }

    @Test
    void aRetriedWriteKeepsItsSequence() {
        a().mode = FakeCluster.Mode.APPLY_THEN_DROP_REPLY;
        client.put("k", "v");
        assertOneSequence(2);
    }

    /** The write reached the stores at least {@code attempts} times, always with one sequence. */
    private void assertOneSequence(int attempts) {
        List<Long> seqs = new ArrayList<>(a().sequences);
        seqs.addAll(b().sequences);
        assertTrue(seqs.size() >= attempts, "the write was re-sent: " + seqs);
        assertTrue(seqs.stream().allMatch(s -> s.equals(seqs.get(0))), "every re-send carries one sequence: " + seqs);
    }

    @Test
    void aNotLeaderAfterAnAmbiguousAttemptIsNotARefusal() {
        // The first attempt applied but its reply was lost; the re-send meets NotLeader. The write
        // may have applied, so it must keep its sequence rather than be routed afresh as new.
        a().mode = FakeCluster.Mode.APPLY_DROP_THEN_NOT_LEADER;
        b().mode = FakeCluster.Mode.NOT_LEADER_ONCE;
        client.put("k", "v");
        assertOneSequence(3);
    }

    @Test
    void aNotLeaderForAWriteTheStoreHadProposedKeepsItsSequence() {
        // The store lost leadership after proposing the write: its successor may commit it, so a
        // new sequence could apply it twice (the fault suite's finding 7).
        a().mode = FakeCluster.Mode.NOT_LEADER_MAYBE_APPLIED_ONCE;
        client.put("k", "v");
        assertOneSequence(2);
    }

    @Test
    void neverPastTheDeadline() {
        a().mode = FakeCluster.Mode.UNAVAILABLE;
        b().mode = FakeCluster.Mode.UNAVAILABLE;
        try (RingcacheClient quick = RingcacheClient.builder().placementDriver(cluster.pdAddress())
                .requestTimeout(Duration.ofMillis(400)).build()) {
            RingcacheException.Timeout t = assertThrows(RingcacheException.Timeout.class, () -> quick.get("k"));
            assertTrue(t.getMessage().contains("no leader"), t.getMessage());
            // Every try carried a deadline: what was left of the request's 400 ms, never more. (One sent
            // just before the end may arrive a moment after it: the remaining time is then negative.)
            List<Optional<Long>> left = new ArrayList<>(a().deadlinesLeft);
            left.addAll(b().deadlinesLeft);
            assertTrue(!left.isEmpty() && left.stream().allMatch(ms -> ms.isPresent() && ms.get() <= 400), left.toString());
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
    void anOversizedKeyIsRefusedBeforeItCanShareABatch() {
        RingcacheException.Rejected r = assertThrows(RingcacheException.Rejected.class,
                () -> client.put(new byte[4097], "v".getBytes()));
        assertEquals("INVALID_ARGUMENT", r.reason());
        assertTrue(a().seen.isEmpty() && b().seen.isEmpty(), "nothing was sent");
        client.put(new byte[4096], "v".getBytes());
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

    @Test
    void concurrentPutAllsShareBatchesAndEachShardPartStaysWhole() {
        a().delayMillis = 50;
        int callers = 100;
        int keysEach = 8;
        List<CompletableFuture<List<Long>>> all = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
            for (int k = 0; k < keysEach; k++) {
                entries.add(Map.entry(("c" + c + "-k" + k).getBytes(), ("v" + c + "-" + k).getBytes()));
            }
            all.add(client.putAllAsync(entries, Duration.ZERO));
        }
        all.forEach(f -> assertEquals(keysEach, f.join().size()));
        List<BatchPutRequest> batches = a().seen.stream().filter(BatchPutRequest.class::isInstance)
                .map(BatchPutRequest.class::cast).toList();
        assertTrue(batches.size() < 40, callers + " putAlls in " + batches.size() + " BatchPuts");
        // Every caller's keys for one shard travel in exactly one BatchPut, next to each other.
        Map<String, Integer> partIn = new HashMap<>();
        for (int b = 0; b < batches.size(); b++) {
            String previous = null;
            Set<String> closed = new HashSet<>();
            for (KeyValueWrite w : batches.get(b).getEntriesList()) {
                String key = w.getKey().toStringUtf8();
                String part = key.substring(0, key.indexOf('-')) + "@" + cluster.ring.shardForKey(w.getKey().toByteArray());
                if (!part.equals(previous)) {
                    assertTrue(closed.add(part), "part " + part + " is split within batch " + b);
                    assertEquals(b, partIn.merge(part, b, (x, y) -> x), "part " + part + " spans batches");
                    previous = part;
                }
            }
        }
        for (int c = 0; c < callers; c++) {
            assertEquals("v" + c + "-7", client.get("c" + c + "-k7").orElseThrow().asString());
        }
    }

    @Test
    void concurrentGetAllsShareBatches() {
        List<byte[]> keys = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            client.put("g" + k, "v" + k);
            keys.add(("g" + k).getBytes());
        }
        a().delayMillis = 50;
        List<CompletableFuture<List<Optional<io.ringcache.client.Versioned>>>> all = new ArrayList<>();
        for (int c = 0; c < 100; c++) {
            all.add(client.getAllAsync(keys, io.ringcache.client.ReadOptions.linearizable()));
        }
        for (CompletableFuture<List<Optional<io.ringcache.client.Versioned>>> f : all) {
            List<Optional<io.ringcache.client.Versioned>> values = f.join();
            for (int k = 0; k < 8; k++) {
                assertEquals("v" + k, values.get(k).orElseThrow().asString());
            }
        }
        assertTrue(a().batchGets.get() < 40, "100 getAlls in " + a().batchGets.get() + " BatchGets");
    }

    /** Get and BatchGet calls the stores received. */
    private int storeReads() {
        return a().singleGets.get() + a().batchGets.get() + b().singleGets.get() + b().batchGets.get();
    }

    @Test
    void staleReadsOfAKeyMarkedHotAreAnsweredByTheHotKeyNearCache() throws Exception {
        io.ringcache.client.ReadOptions stale = io.ringcache.client.ReadOptions.stale(Duration.ofSeconds(5));
        client.put("hot", "v1");
        client.put("cold", "v1");
        com.google.protobuf.ByteString hot = com.google.protobuf.ByteString.copyFromUtf8("hot");
        cluster.hotKeys.add(hot);
        int before = storeReads();
        for (int i = 0; i < 20; i++) {
            assertEquals("v1", client.get("cold", stale).orElseThrow().asString());
        }
        assertEquals(before + 20, storeReads(), "a key no store marks hot is never cached");
        assertTrue(cluster.invalidationStreams.isEmpty(), "and opens no invalidation stream");

        io.ringcache.testing.Poll.until("the hot key answered here", () -> {
            int reads = storeReads();
            client.get("hot", stale);
            return storeReads() == reads;
        });
        int reads = storeReads();
        for (int i = 0; i < 100; i++) {
            assertEquals("v1", client.get("hot", stale).orElseThrow().asString());
        }
        assertEquals(reads, storeReads(), "hits reach no store");
        assertTrue(meters.get("ringcache.client.near.cache").tag("result", "hit").counter().count() >= 100);

        // Another client's write: the shard's invalidation stream evicts the entry.
        int shard = cluster.ring.shardForKey("hot".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        cluster.data.put(hot, io.ringcache.proto.v1.VersionedValue.newBuilder()
                .setValue(com.google.protobuf.ByteString.copyFromUtf8("v2")).setVersion(cluster.versions.incrementAndGet()).build());
        cluster.invalidate(shard, hot, 1);
        io.ringcache.testing.Poll.until("the write seen", () -> client.get("hot", stale).orElseThrow().asString().equals("v2"));
        // Linearizable reads never use the cache.
        reads = storeReads();
        client.get("hot");
        assertEquals(reads + 1, storeReads());
    }

    @Test
    void theHotKeyNearCacheCanBeTurnedOff() throws Exception {
        try (RingcacheClient off = RingcacheClient.builder().placementDriver(cluster.pdAddress())
                .hotKeyNearCache(false).build()) {
            off.put("hot", "v1");
            cluster.hotKeys.add(com.google.protobuf.ByteString.copyFromUtf8("hot"));
            int before = storeReads();
            for (int i = 0; i < 50; i++) {
                assertEquals("v1", off.get("hot", io.ringcache.client.ReadOptions.stale(Duration.ofSeconds(5)))
                        .orElseThrow().asString());
            }
            assertEquals(before + 50, storeReads());
            assertTrue(cluster.invalidationStreams.isEmpty());
        }
    }
}
