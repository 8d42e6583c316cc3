package io.ringcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Redis protocol on a three-node cluster of real processes, with clients no one here wrote:
 * redis-cli (Debian's redis-tools) through every node, and Lettuce in standalone mode. A node is
 * killed with SIGKILL: the client connects to another node, and every acknowledged write, counters
 * included, reads back.
 */
class RedisProtocolProcessIT {

    @Test
    void redisClientsThroughAnyNodeAcrossAKill() throws Exception {
        try (ClusterProcesses nodes = new ClusterProcesses()) {
            int[] http = new int[3];
            int[] redis = new int[3];
            for (int i = 0; i < 3; i++) {
                http[i] = ClusterProcesses.freePort();
                redis[i] = ClusterProcesses.freePort();
                String id = "node" + (i + 1);
                String[] common = {"-node_id", id, "-http_addr", ":" + http[i], "-raft_addr", ":" + ClusterProcesses.freePort(),
                        "-raft_dir", "raft_" + id, "-redis_addr", "127.0.0.1:" + redis[i], "-shard_memory_mb", "16"};
                if (i == 0) {
                    nodes.start(id, concat(common, "-bootstrap", "-shards", "4"));
                    nodes.await("node1 to listen", () -> nodes.tryGet(http[0], "/health") != null);
                } else {
                    nodes.start(id, concat(common, "-join", "localhost:" + http[0]));
                }
            }
            for (int port : http) {
                nodes.awaitReady(port);
            }
            // Before any kill: every shard on all three stores, so losing one keeps a majority.
            nodes.awaitReplicas(http[0], 4, 3);

            // redis-cli, as a user types it, through each node.
            assertEquals("OK", cli(nodes, redis[0], "set", "greeting", "hello").strip());
            for (int port : redis) {
                assertEquals("hello", cli(nodes, port, "get", "greeting").strip());
            }
            assertEquals("3", cli(nodes, redis[1], "incrby", "visits", "3").strip());
            assertEquals("4", cli(nodes, redis[2], "incr", "visits").strip());
            assertTrue(cli(nodes, redis[0], "nosuchcommand").contains("unknown command"));

            // Lettuce writes through node3, which is then killed; the client moves to node2.
            Map<String, String> written = new LinkedHashMap<>();
            RedisClient client = RedisClient.create();
            try {
                try (StatefulRedisConnection<String, String> c = client.connect(uri(redis[2]))) {
                    RedisCommands<String, String> r = c.sync();
                    for (int k = 0; k < 60; k++) {
                        assertEquals("OK", r.set("k" + k, "v" + k));
                        written.put("k" + k, "v" + k);
                    }
                    for (int k = 0; k < 10; k++) {
                        r.incr("counter");
                    }
                }
                String scanned = cli(nodes, redis[0], "--scan", "--pattern", "k*");
                assertEquals(60, scanned.lines().filter(l -> l.matches("k[0-9]+")).distinct().count(), scanned);
                nodes.kill("node3");
                try (StatefulRedisConnection<String, String> c = client.connect(uri(redis[1]))) {
                    RedisCommands<String, String> r = c.sync();
                    for (Map.Entry<String, String> e : written.entrySet()) {
                        nodes.await("reading " + e.getKey() + " after the kill", () -> e.getValue().equals(tryGet(r, e.getKey())));
                    }
                    nodes.await("the counter after the kill", () -> "10".equals(tryGet(r, "counter")));
                    nodes.await("a write after the kill", () -> {
                        try {
                            return r.incr("counter") == 11;
                        } catch (RuntimeException e) {
                            return false; // a shard still electing: TRYAGAIN
                        }
                    });
                }
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
            }
        }
    }

    private static RedisURI uri(int port) {
        RedisURI uri = RedisURI.create("127.0.0.1", port);
        uri.setTimeout(Duration.ofSeconds(20));
        return uri;
    }

    private static String tryGet(RedisCommands<String, String> r, String key) {
        try {
            return r.get(key);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String cli(ClusterProcesses nodes, int port, String... command) throws Exception {
        String[] args = concat(new String[] {"-h", "127.0.0.1", "-p", Integer.toString(port)}, command);
        ClusterProcesses.Result r = nodes.run("redis-cli", args);
        assertEquals(0, r.exit(), "redis-cli failed (is Debian's redis-tools installed?): " + r.err());
        return r.out();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
