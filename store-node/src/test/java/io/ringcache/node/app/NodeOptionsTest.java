package io.ringcache.node.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NodeOptionsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final int[] exit = {-1};

    private NodeOptions parse(String... args) {
        return StoreNodeMain.parse(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), exit);
    }

    @Test
    void acceptsTheSeedsFlagsVerbatim() {
        NodeOptions o = parse("-node_id", "node1", "-http_addr", ":8081", "-raft_addr", ":11001",
                "-raft_dir", "raft_node1", "-bootstrap");
        assertEquals("node1", o.nodeId);
        assertEquals(":8081", o.httpAddr);
        assertEquals(":11001", o.raftAddr);
        assertEquals(Path.of("raft_node1"), o.raftDir);
        assertTrue(o.bootstrap);
        NodeOptions joiner = parse("-node_id", "node2", "-http_addr", ":8082", "-raft_addr", ":11002",
                "-raft_dir", "raft_node2", "-join", "localhost:8081");
        assertEquals("localhost:8081", joiner.join);
        assertFalse(joiner.bootstrap);
    }

    @Test
    void acceptsGnuAliasesAndGoStyleBooleans() {
        NodeOptions o = parse("--node-id", "n7", "--http-addr", "127.0.0.1:9", "--raft-dir", "d", "-bootstrap=true",
                "--raft-advertise", "store-7.ringcache:11000");
        assertEquals("n7", o.nodeId);
        assertEquals("127.0.0.1:9", o.httpAddr);
        assertTrue(o.bootstrap);
        assertEquals("store-7.ringcache:11000", o.raftAdvertise);
    }

    @Test
    void defaultsMatchTheSeed() {
        NodeOptions o = parse();
        assertEquals("node1", o.nodeId);
        assertEquals(":8080", o.httpAddr);
        assertEquals(":11000", o.raftAddr);
        assertEquals(Path.of("raft_data"), o.raftDir);
        assertFalse(o.bootstrap);
        assertEquals("", o.join);
        assertTrue(o.leaderLease, "lease reads are the default");
        assertFalse(parse("-leader_lease=false").leaderLease);
        assertTrue(parse("-leader_lease").leaderLease);
    }

    @Test
    void theElectionTimeoutIsADurationWithinBounds() {
        assertEquals(java.time.Duration.ofSeconds(1), parse().electionTimeout(), "default");
        assertEquals(java.time.Duration.ofMillis(2500), parse("-election_timeout", "2500ms").electionTimeout());
        assertEquals(java.time.Duration.ofSeconds(3), parse("--election-timeout", "3s").electionTimeout());
        for (String bad : new String[] {"soon", "0s", "50ms", "2m"}) {
            err.reset();
            assertNull(parse("-election_timeout", bad), bad);
            assertEquals(2, exit[0]);
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("ringcache-store: -election_timeout"),
                    bad + ": " + err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void memoryIsASizeOrAShareOfTheMachine() {
        io.ringcache.node.core.StoreMemory quarter = parse().storeMemory(16L << 30);
        assertEquals(4L << 30, quarter.budgetBytes(), "the default is 25% of the machine");
        assertEquals(64, quarter.maxReplicas());
        assertEquals(2L << 30, parse("-memory", "2GiB").storeMemory(16L << 30).budgetBytes());
        assertEquals(1L << 30, parse("--memory", "50%", "-shard_memory_mb", "128").storeMemory(2L << 30).budgetBytes());
        for (String bad : new String[] {"lots", "0%", "150%", "32MiB"}) {
            err.reset();
            assertNull(parse("-memory", bad), bad);
            assertEquals(2, exit[0]);
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("ringcache-store: -maxmemory"),
                    bad + ": " + err.toString(StandardCharsets.UTF_8));
        }
        assertEquals(3L << 30, parse("-maxmemory", "3GiB").storeMemory(16L << 30).budgetBytes());
        assertEquals(3L << 30, parse("--maxmemory", "3GiB").storeMemory(16L << 30).budgetBytes());
    }

    @Test
    void maxmemoryPolicyHasRedisNamesAndACacheDefault() {
        assertEquals(io.ringcache.shard.core.EvictionPolicy.ALLKEYS_LRU, parse().evictionPolicy());
        assertEquals(io.ringcache.shard.core.EvictionPolicy.VOLATILE_TTL,
                parse("-maxmemory_policy", "volatile-ttl").evictionPolicy());
        assertEquals(io.ringcache.shard.core.EvictionPolicy.NOEVICTION,
                parse("--maxmemory-policy", "NOEVICTION").evictionPolicy());
        err.reset();
        assertNull(parse("-maxmemory_policy", "lru"));
        assertEquals(2, exit[0]);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("ringcache-store: -maxmemory_policy: unknown eviction policy 'lru'")
                && message.contains("allkeys-lfu"), message);
    }

    @Test
    void helpDocumentsEveryFlag() {
        assertNull(parse("--help"));
        assertEquals(0, exit[0]);
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"-node_id", "-http_addr", "-raft_addr", "-raft_advertise", "-raft_dir",
                "-bootstrap", "-join", "-grpc_addr", "-pd", "-labels", "-maxmemory", "-maxmemory_policy", "RINGCACHE_MAXMEMORY",
                "RINGCACHE_NODE_ID"}) {
            assertTrue(help.contains(flag), flag + " missing from --help");
        }
    }

    @Test
    void badFlagsAreOneClearLineAndExitCodeTwo() {
        assertNull(parse("-node_id", "has space"));
        assertEquals(2, exit[0]);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("ringcache-store: -node_id must be"));
        err.reset();
        assertNull(parse("-bootstrap", "-join", "x:1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("only one"));
        err.reset();
        assertNull(parse("-http_addr", "8080"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not host:port"));
        err.reset();
        assertNull(parse("--no-such-flag"));
        assertEquals(2, exit[0]);
        err.reset();
        assertNull(parse("-labels", "zone"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("key=value"));
        err.reset();
        assertNull(parse("-pd", "a:1,nonsense"));
        assertEquals(2, exit[0]);
        err.reset();
        assertNull(parse("-bootstrap", "-pd", "a:1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("only one"));
    }

    @Test
    void labelsAndSeveralPlacementDrivers() {
        NodeOptions o = parse("-labels", "zone=z1, host=h7", "-pd", "10.0.0.1:9090,10.0.0.2:9090");
        assertNotNull(o);
        assertEquals(java.util.Map.of("zone", "z1", "host", "h7"), o.labelMap());
        assertEquals(java.util.List.of("10.0.0.1:9090", "10.0.0.2:9090"), NodeOptions.pdList(o.pd));
    }

    @Test
    void tlsFlagsAreCheckedTogether() {
        String[][] bad = {
            {"-tls_cert", "c.pem", "-tls_ca", "ca.pem"},
            {"-tls_cert", "c.pem", "-tls_key", "k.pem"},
            {"-tls_ca", "ca.pem"},
            {"-tls_cert", "c.pem", "-tls_key", "k.pem", "-tls_ca", "ca.pem", "-tls_client_auth", "never"},
            {"-tls_cert", "c.pem", "-tls_key", "k.pem", "-tls_ca", "ca.pem", "-tls_reload", "soon"},
            {"-tls_client_auth", "require"}, // a TLS setting without TLS would run plaintext unnoticed
            {"-tls_member_cn", "node"},
        };
        for (String[] flags : bad) {
            err.reset();
            exit[0] = 0;
            assertNull(parse(flags), String.join(" ", flags));
            assertEquals(2, exit[0], String.join(" ", flags));
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("ringcache-store: "), err.toString(StandardCharsets.UTF_8));
        }
        err.reset();
        NodeOptions ok = parse("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-ca", "ca.pem", "--tls-client-auth", "require");
        assertNotNull(ok, err.toString(StandardCharsets.UTF_8));
        assertTrue(ok.tls.enabled());
        assertFalse(parse().tls.enabled(), "plaintext by default");
    }
}
