package io.ringcache.e2e;

import io.ringcache.chaos.adapter.grpc.PdProbe;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.client.CasResult;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.RingcacheException;
import io.ringcache.client.Versioned;
import io.ringcache.client.adapter.grpc.GrpcRingcacheClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The SDK against a real cluster (one placement driver, three stores, started by the launchers):
 * every operation, TTL expiry, CAS races between clients, routing through placement changes, and
 * failover under load with every acknowledged write read back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SdkProcessIT {

    private ClusterProcesses cluster;
    private String pd;
    private final Map<String, Integer> http = new ConcurrentHashMap<>();
    private RingcacheClient client;
    private PdProbe probe;
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry clientMeters =
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    @BeforeAll
    void start() throws Exception {
        cluster = new ClusterProcesses();
        int pdPort = ClusterProcesses.freePort();
        pd = "127.0.0.1:" + pdPort;
        cluster.startProgram("pd1", "ringcache-pd", "-grpc_addr", pd, "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(),
                "-http_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-data_dir", "data", "-shards", "6",
                "-down_after", "2s", "-repair_after", "8s", "-election_timeout", "1000ms");
        for (int i = 1; i <= 3; i++) {
            startStore("s" + i);
        }
        probe = new PdProbe(pd);
        cluster.await("every shard with 3 replicas and a leader", () -> probe.settled(3));
        // Built once placement answers: the builder reads the map at once, and four JVMs starting
        // on two busy cores kept the placement driver from listening within its 10 s once.
        client = RingcacheClient.builder().placementDriver(pd).requestTimeout(Duration.ofSeconds(15))
                .meterRegistry(clientMeters).build();
    }

    private void startStore(String id) throws Exception {
        int port = ClusterProcesses.freePort();
        http.put(id, port);
        cluster.start(id, "-node_id", id, "-http_addr", "127.0.0.1:" + port, "-raft_addr",
                "127.0.0.1:" + ClusterProcesses.freePort(), "-raft_dir", "data", "-pd", pd, "-shard_memory_mb", "16");
    }

    @AfterAll
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (probe != null) {
            probe.close();
        }
        cluster.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void everyOperation() {
        long v1 = client.put("user:1", "ada");
        Versioned got = client.get("user:1").orElseThrow();
        assertEquals("ada", got.asString());
        assertEquals(v1, got.version());
        long v2 = client.put("user:1", "grace");
        assertTrue(v2 > v1, "versions grow");

        CasResult stale = client.compareAndSet("user:1", v1, "linus");
        assertFalse(stale.succeeded());
        assertEquals("grace", stale.current().orElseThrow().asString());
        CasResult won = client.compareAndSet("user:1", v2, "linus");
        assertTrue(won.succeeded());
        assertTrue(client.compareAndSetValue(b("user:1"), b("linus"), b("ken")).succeeded());
        assertFalse(client.compareAndSetValue(b("user:1"), b("linus"), b("x")).succeeded());

        assertTrue(client.putIfAbsent("user:2", "barbara", Duration.ZERO).succeeded());
        CasResult again = client.putIfAbsent("user:2", "other", Duration.ZERO);
        assertFalse(again.succeeded());
        assertEquals("barbara", again.current().orElseThrow().asString());

        assertTrue(client.delete("user:2"));
        assertFalse(client.delete("user:2"));
        assertTrue(client.get("user:2").isEmpty());
        assertFalse(client.touch("user:2", Duration.ofSeconds(5)));

        assertEquals("ken", client.get("user:1", ReadOptions.follower()).orElseThrow().asString());
        assertEquals("ken", client.get("user:1", ReadOptions.stale(Duration.ofSeconds(5))).orElseThrow().asString());

        Map<String, String> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            many.put("bulk:" + i, "value " + i);
        }
        client.putAllStrings(many, Duration.ZERO);
        List<String> keys = new ArrayList<>(many.keySet());
        keys.add("bulk:absent");
        Map<String, String> read = client.getAllStrings(keys);
        assertEquals(many, read);
    }

    @Test
    @Order(1)
    void getOrLoadAgreesAcrossClients() throws Exception {
        try (RingcacheClient other = RingcacheClient.builder().placementDriver(pd).requestTimeout(Duration.ofSeconds(15)).build()) {
            java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CompletableFuture<byte[]> slow = new java.util.concurrent.CompletableFuture<>();
            List<java.util.concurrent.CompletableFuture<java.util.Optional<Versioned>>> mine = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                mine.add(client.getOrLoadAsync(b("loaded:1"), k -> {
                    loads.incrementAndGet();
                    return slow;
                }, Duration.ofMinutes(5), 0.1));
            }
            Versioned theirs = other.getOrLoad(b("loaded:1"), k -> b("from other"), Duration.ofMinutes(5)).orElseThrow();
            slow.complete(b("from client"));
            for (var f : mine) {
                Versioned got = f.get(15, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
                // The same write (the expiry of the winner's answer is its client's estimate).
                assertEquals(theirs.version(), got.version(), "every caller of both clients answers the one value stored");
                assertArrayEquals(theirs.value(), got.value());
            }
            assertTrue(loads.get() <= 1, "one load per key at a time in a client: " + loads.get());
            assertEquals("from other", client.get("loaded:1").orElseThrow().asString());
        }
    }

    @Test
    @Order(1)
    void theHotKeysShowInRingctlAndMetrics() throws Exception {
        client.put("hot:1", "x");
        client.put("cold:1", "x");
        for (int i = 0; i < 4_000; i++) {
            client.get("hot:1");
            if (i % 100 == 0) {
                client.get("cold:1");
            }
        }
        ClusterProcesses.Result hot = cluster.run("ringctl", "--pd", pd, "hot", "--limit", "3");
        assertEquals(0, hot.exit(), hot.out() + hot.err());
        String first = hot.out().lines().skip(1).findFirst().orElse("");
        assertTrue(first.contains("hot:1"), "the most read key first:\n" + hot.out());
        ClusterProcesses.Result bad = cluster.run("ringctl", "--pd", pd, "hot", "--limit", "0");
        assertEquals(2, bad.exit(), bad.out() + bad.err());
        boolean inMetrics = false;
        for (int port : http.values()) {
            inMetrics |= cluster.get(port, "/metrics").body().contains("key=\"hot:1\"");
            assertEquals(400, cluster.get(port, "/v1/hotkeys?limit=x").statusCode());
        }
        assertTrue(inMetrics, "ringcache_hot_key_reads names hot:1 on its leader's store");
        // Relief (opt-in): the stores now mark hot:1 in their replies, so an SDK with hot-key follower
        // reads on reads it from any replica; the followers of its shard serve some of the next reads.
        ClusterProcesses.Result locate = cluster.run("ringctl", "--pd", pd, "-o", "json", "locate", "hot:1");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"shard\"\\s*:\\s*(\\d+)").matcher(locate.out());
        assertTrue(m.find(), locate.out());
        String shard = m.group(1);
        try (RingcacheClient relieved = RingcacheClient.builder().placementDriver(pd).requestTimeout(Duration.ofSeconds(15))
                .hotKeyFollowerReads(true).build()) {
            for (int i = 0; i < 600; i++) {
                assertEquals("x", relieved.get("hot:1").orElseThrow().asString());
            }
        }
        double followerHits = 0;
        for (int port : http.values()) {
            String metrics = cluster.get(port, "/metrics").body();
            if (metrics.contains("ringcache_shard_leader{shard=\"" + shard + "\"} 0.0")) {
                java.util.regex.Matcher hits = java.util.regex.Pattern.compile(
                        "ringcache_shard_hits\\{shard=\"" + shard + "\"\\} (\\S+)").matcher(metrics);
                followerHits += hits.find() ? Double.parseDouble(hits.group(1)) : 0;
            }
        }
        assertTrue(followerHits > 100, "followers served " + followerHits + " reads of the hot key");

        // Relief (default): stale-allowed reads of a key marked hot are kept in the SDK's hot-key near
        // cache, coherent with writes; a cold key is never cached.
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        ReadOptions stale = ReadOptions.stale(Duration.ofSeconds(5));
        try (RingcacheClient plain = RingcacheClient.builder().placementDriver(pd).meterRegistry(meters).build()) {
            cluster.await("a hot-key near-cache hit", () -> {
                for (int i = 0; i < 200; i++) {
                    plain.get("hot:1", stale);
                }
                return meters.get("ringcache.client.near.cache").tag("result", "hit").counter().count() > 0;
            });
            double hitsBefore = meters.get("ringcache.client.near.cache").tag("result", "hit").counter().count();
            for (int i = 0; i < 100; i++) {
                assertEquals("x", plain.get("cold:1", stale).orElseThrow().asString());
            }
            for (int i = 0; i < 1_000; i++) {
                assertEquals("x", plain.get("hot:1", stale).orElseThrow().asString());
            }
            double hits = meters.get("ringcache.client.near.cache").tag("result", "hit").counter().count() - hitsBefore;
            assertTrue(hits > 900, "near-cache hits of the hot key: " + hits);
            assertEquals(1, ((GrpcRingcacheClient) plain).nearCacheSubscriptions(), "a stream only for the hot key's shard");
            client.put("hot:1", "y"); // another client: the invalidation stream evicts the entry
            cluster.await("the hot-key near cache to see y", () -> plain.get("hot:1", stale).orElseThrow().asString().equals("y"));
        }
        try (RingcacheClient off = RingcacheClient.builder().placementDriver(pd).meterRegistry(meters)
                .hotKeyNearCache(false).build()) {
            double before = meters.get("ringcache.client.near.cache").tag("result", "hit").counter().count();
            for (int i = 0; i < 300; i++) {
                assertTrue(off.get("hot:1", stale).isPresent()); // x or y: a stale read may lag the write
            }
            assertEquals(before, meters.get("ringcache.client.near.cache").tag("result", "hit").counter().count(),
                    "no near cache when turned off");
        }
    }

    @Test
    @Order(2)
    void theReadmeExampleRuns() {
        ReadmeExample.main(new String[] {pd});
        assertEquals("hello again", client.get("greeting").orElseThrow().asString());
    }

    @Test
    @Order(3)
    void ttlExpiryAndTouch() {
        client.put("session:a", "x", Duration.ofMillis(1500));
        client.put("session:b", "y", Duration.ofMillis(1500));
        assertTrue(client.touch("session:b", Duration.ZERO), "touch removes the expiry");
        Versioned a = client.get("session:a").orElseThrow();
        assertTrue(a.expiresAtMillis() > System.currentTimeMillis() - 60_000);
        cluster.await("session:a to expire", () -> client.get("session:a").isEmpty());
        assertEquals("y", client.get("session:b").orElseThrow().asString());
    }

    @Test
    @Order(4)
    void badInputIsATypedErrorAndChangesNothing() {
        RingcacheException.Rejected empty = assertThrows(RingcacheException.Rejected.class, () -> client.put(new byte[0], b("v")));
        assertEquals("INVALID_ARGUMENT", empty.reason());
        RingcacheException.Rejected big = assertThrows(RingcacheException.Rejected.class,
                () -> client.put(b("big"), new byte[2 << 20]));
        assertEquals("VALUE_TOO_LARGE", big.reason());
        assertTrue(big.shardId() >= 0);
        assertThrows(RingcacheException.Rejected.class, () -> client.put(b("k"), b("v"), Duration.ofSeconds(-1)));
        assertTrue(client.get("big").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> RingcacheClient.builder().placementDriver("nonsense"));
    }

    @Test
    @Order(5)
    void casRacesBetweenClientsLoseNoIncrement() throws Exception {
        int clients = 4;
        int increments = 25;
        client.put("counter", "0");
        List<RingcacheClient> racers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<java.util.concurrent.Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                RingcacheClient racer = RingcacheClient.builder().placementDriver(pd).build();
                racers.add(racer);
                done.add(pool.submit(() -> {
                    int conflicts = 0;
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            Versioned cur = racer.get("counter").orElseThrow();
                            int next = Integer.parseInt(cur.asString()) + 1;
                            if (racer.compareAndSet("counter", cur.version(), Integer.toString(next)).succeeded()) {
                                break;
                            }
                            conflicts++;
                        }
                    }
                    return conflicts;
                }));
            }
            int conflicts = 0;
            for (var f : done) {
                conflicts += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(Integer.toString(clients * increments), client.get("counter").orElseThrow().asString());
            System.out.println("CAS race: " + clients + " clients x " + increments + " increments, " + conflicts + " conflicts, none lost");
        } finally {
            pool.shutdownNow();
            racers.forEach(RingcacheClient::close);
        }
    }

    @Test
    @Order(6)
    void routingFollowsLeaderTransfersAndRebalance() throws Exception {
        long epochBefore = ((GrpcRingcacheClient) client).mapEpoch();
        // Move one leadership by hand, then add a fourth store and rebalance while the client keeps using the old routes.
        // Placement's leader balance (which weighs load, and the earlier tests' reads) may move shard
        // 0's leader between reading it and asking: then the chosen store already leads, and the
        // test asks again with a fresh view.
        ClusterProcesses.Result moved = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            var shard0 = probe.shard(0);
            String to = shard0.getReplicasList().stream().filter(r -> !r.equals(shard0.getLeader())).findFirst().orElseThrow();
            moved = cluster.run("ringctl", "--pd", pd, "transfer-leader", "0", to, "--wait");
            if (moved.exit() == 0 || !(moved.out() + moved.err()).contains("already leads")) {
                break;
            }
        }
        assertEquals(0, moved.exit(), moved.out() + moved.err());
        for (int i = 0; i < 200; i++) {
            client.put("route:" + i, "v" + i);
        }
        startStore("s4");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ops = new AtomicLong();
        Thread load = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                String k = "route:" + (i++ % 200);
                assertEquals(k.replace("route:", "v"), client.get(k).orElseThrow().asString());
                ops.incrementAndGet();
            }
        });
        load.start();
        cluster.await("s4 registered", () -> probe.status().getStoresList().stream()
                .anyMatch(st -> st.getStore().getId().equals("s4")));
        var rebalance = cluster.run("ringctl", "--pd", pd, "rebalance", "--timeout", "3m");
        stop.set(true);
        load.join(30_000);
        assertEquals(0, rebalance.exit(), rebalance.out() + rebalance.err());
        assertTrue(((GrpcRingcacheClient) client).mapEpoch() > epochBefore, "the client followed the new epochs");
        double maxAttempts = clientMeters.get("ringcache.client.attempts").summary().max();
        System.out.println("routing: at most " + (long) maxAttempts + " attempts per call during the transfer and rebalance");
        assertTrue(maxAttempts <= 6, "redirects per request stay bounded: " + maxAttempts);
        System.out.println("routing: " + ops.get() + " reads during the transfer and rebalance, all correct");
        for (int i = 0; i < 200; i++) {
            assertEquals("v" + i, client.get("route:" + i).orElseThrow().asString());
        }
    }

    @Test
    @Order(7)
    void nearCacheStaysCoherentAcrossWritesAndLeaderChanges() throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (RingcacheClient near = RingcacheClient.builder().placementDriver(pd).meterRegistry(meters)
                .nearCache(10_000, 16 << 20, Duration.ofSeconds(30)).build()) {
            ReadOptions cached = ReadOptions.stale(Duration.ofSeconds(30));
            client.put("hot", "v1");
            cluster.await("a near-cache hit", () -> {
                near.get("hot", cached);
                return meters.get("ringcache.client.near.cache").tag("result", "hit").counter().count() > 0;
            });
            assertEquals("v1", near.get("hot", cached).orElseThrow().asString());

            // Another client writes: the store's invalidation stream evicts the entry (the bound is 30 s).
            long written = System.nanoTime();
            client.put("hot", "v2");
            cluster.await("the near cache to see v2", () -> near.get("hot", cached).orElseThrow().asString().equals("v2"));
            System.out.printf("near cache: another client's write visible %.1f ms after it was acknowledged%n",
                    (System.nanoTime() - written) / 1e6);

            // The shard's leader moves: the stream follows a replica's log, not the leader, and stays coherent.
            var placement = probe.status().getMap();
            long[] tokens = new long[placement.getRing().getTokensCount()];
            int[] owners = new int[tokens.length];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = placement.getRing().getTokens(i);
                owners[i] = placement.getRing().getShardIds(i);
            }
            int shard = io.ringcache.routing.HashRing.of(tokens, owners).shardForKey(b("hot"));
            int hotShard = shard;
            // Balancing may still be moving this shard; transfer once it is free.
            cluster.await("a leader transfer of shard " + shard, () -> {
                var sp = probe.shard(hotShard);
                String to = sp.getReplicasList().stream().filter(r -> !r.equals(sp.getLeader())).findFirst().orElseThrow();
                try {
                    return cluster.run("ringctl", "--pd", pd, "transfer-leader", Integer.toString(hotShard), to, "--wait").exit() == 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            client.put("hot", "v3");
            cluster.await("the near cache to see v3 after the leader change",
                    () -> near.get("hot", cached).orElseThrow().asString().equals("v3"));
            assertEquals("v3", near.get("hot").orElseThrow().asString(), "linearizable reads bypass the cache");

            // The store streaming the shard's invalidations dies: the near cache drops the shard rather
            // than trust it, so a write it can no longer hear of still shows long before the 30 s bound.
            // Let balancing finish first: this test is about the stream, not about membership
            // changes interrupted by a crash (see the placement README's known limits).
            cluster.await("no operator running", () -> probe.status().getOperatorsList().stream().allMatch(o ->
                    o.getStatus().name().endsWith("DONE") || o.getStatus().name().endsWith("FAILED")
                            || o.getStatus().name().endsWith("CANCELLED")));
            String source = ((GrpcRingcacheClient) near).nearCacheSource(b("hot")).orElseThrow();
            String victim = probe.storeAt(source);
            cluster.kill(victim);
            long killed = System.nanoTime();
            client.put("hot", "v4");
            cluster.await("v4 despite the lost stream", () -> near.get("hot", cached).orElseThrow().asString().equals("v4"));
            long tookMs = (System.nanoTime() - killed) / 1_000_000;
            System.out.printf("near cache: stream source %s killed; a new write visible %d ms later (bound 30 s)%n",
                    victim, tookMs);
            assertTrue(tookMs < 15_000, "took " + tookMs + " ms");
            // Bring the store back (same data) so the next test starts from a whole cluster; a repair
            // interrupted by the kill would otherwise be left to its timeouts (placement README).
            cluster.restart(victim);
            cluster.await("every shard on 3 live replicas again", () -> probe.repairedWithout(3, ""));
        }
    }

    @Test
    @Order(8)
    void failoverUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong lastSuccess = new AtomicLong(System.nanoTime());
        AtomicLong longestPause = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        int writers = 8;
        CountDownLatch started = new CountDownLatch(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        for (int w = 0; w < writers; w++) {
            int id = w;
            pool.submit(() -> {
                started.countDown();
                for (int i = 0; !stop.get(); i++) {
                    String k = "fo:" + id + ":" + i;
                    try {
                        client.put(k, "v" + i);
                        acked.put(k, "v" + i);
                        long now = System.nanoTime();
                        long prev = lastSuccess.getAndSet(now);
                        longestPause.accumulateAndGet(now - prev, Math::max);
                        Optional<Versioned> back = client.get(k);
                        assertEquals("v" + i, back.orElseThrow().asString());
                    } catch (RingcacheException e) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            });
        }
        started.await();
        cluster.await("some writes before the kill", () -> acked.size() > 200);
        String victim = probe.storeLeadingMostShards();
        long killAt = System.nanoTime();
        cluster.kill(victim);
        long ackedAtKill = acked.size();
        cluster.await("writes to continue after the kill", () -> acked.size() > ackedAtKill + 500);
        stop.set(true);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        System.out.printf("failover: killed %s; longest gap between acknowledged writes %.2f s; %d acknowledged, "
                        + "%d calls failed (typed, within the 15 s deadline); continued %.1f s after the kill%n",
                victim, longestPause.get() / 1e9, acked.size(), failures.get(), (System.nanoTime() - killAt) / 1e9);
        assertTrue(longestPause.get() < TimeUnit.SECONDS.toNanos(15), "the pause is bounded by the deadline");
        for (var e : acked.entrySet()) {
            assertArrayEquals(b(e.getValue()), client.get(e.getKey()).orElseThrow(
                    () -> new AssertionError("acknowledged write " + e.getKey() + " lost")).value());
        }
    }
}
