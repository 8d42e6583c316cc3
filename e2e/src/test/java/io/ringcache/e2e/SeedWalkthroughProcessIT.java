package io.ringcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Go prototype's README, walked with real processes started by {@code bin/ringcache-store}:
 * a bootstrap node and two that join it, set/get through any node, TTL expiry, join. Then the
 * store leading the most shards is killed with SIGKILL: every key stays readable and writable,
 * and after a restart with the same folder it catches up without losing an acknowledged write.
 */
class SeedWalkthroughProcessIT {

    private static final Pattern LEADER = Pattern.compile("\"leader\":\"([^\"]*)\"");

    @Test
    void threeNodesFromTheSeedReadme() throws Exception {
        try (ClusterProcesses nodes = new ClusterProcesses()) {
            int[] http = {ClusterProcesses.freePort(), ClusterProcesses.freePort(), ClusterProcesses.freePort()};
            int[] raft = {ClusterProcesses.freePort(), ClusterProcesses.freePort(), ClusterProcesses.freePort()};
            nodes.start("node1", "-node_id", "node1", "-http_addr", ":" + http[0], "-raft_addr", ":" + raft[0],
                    "-raft_dir", "raft_node1", "-bootstrap", "-shards", "8", "-shard_memory_mb", "16");
            for (int i = 1; i < 3; i++) {
                nodes.start("node" + (i + 1), "-node_id", "node" + (i + 1), "-http_addr", ":" + http[i],
                        "-raft_addr", ":" + raft[i], "-raft_dir", "raft_node" + (i + 1), "-join", "localhost:" + http[0],
                        "-shard_memory_mb", "16");
            }
            // The first /set as a user types it once node1 listens: no wait for readiness and no retry.
            // The node waits for its partition map and the shard's leader within the request's deadline.
            nodes.await("node1 to listen", () -> nodes.tryGet(http[0], "/health") != null);
            HttpResponse<String> firstSet = nodes.get(http[0], "/set?key=hello&value=world");
            assertEquals(200, firstSet.statusCode(), firstSet.body());
            assertEquals("ok", firstSet.body().trim());
            nodes.awaitReady(http[0]);
            nodes.awaitReady(http[1]);
            nodes.awaitReady(http[2]);
            assertTrue(java.nio.file.Files.isDirectory(nodes.folder("node2").resolve("raft_node2")),
                    "-raft_dir is relative to the caller's directory");

            // Read it back from every node.
            for (int port : http) {
                HttpResponse<String> r = nodes.get(port, "/get?key=hello");
                assertEquals(200, r.statusCode());
                assertEquals("world", r.body());
            }
            HttpResponse<String> missing = nodes.get(http[1], "/get?key=nobody");
            assertEquals(404, missing.statusCode());
            assertEquals("not found", missing.body().trim());

            // TTL: gone after a second.
            assertEquals("ok", nodes.get(http[2], "/set?key=brief&value=x&ttl=1").body().trim());
            nodes.await("the TTL key to expire", () -> nodes.get(http[0], "/get?key=brief").statusCode() == 404);

            // Every shard reaches three replicas.
            nodes.awaitReplicas(http[0], 8, 3);

            Map<String, String> written = new HashMap<>();
            for (int k = 0; k < 40; k++) {
                String key = "key-" + k;
                assertEquals("ok", nodes.get(http[k % 3], "/set?key=" + key + "&value=v" + k).body().trim());
                written.put(key, "v" + k);
            }

            // kill -9 the store leading the most shards.
            String victim = storeLeadingMost(nodes.get(http[0], "/v1/cluster").body());
            int victimIndex = Integer.parseInt(victim.substring(4)) - 1;
            int survivor = (victimIndex + 1) % 3;
            nodes.kill(victim);
            for (Map.Entry<String, String> e : written.entrySet()) {
                nodes.await("reading " + e.getKey() + " after the kill", () -> {
                    HttpResponse<String> r = nodes.tryGet(http[survivor], "/get?key=" + e.getKey());
                    return r != null && r.statusCode() == 200 && r.body().equals(e.getValue());
                });
            }
            for (int k = 0; k < 10; k++) {
                String key = "after-" + k;
                nodes.await("writing " + key + " after the kill", () -> {
                    HttpResponse<String> r = nodes.tryGet(http[survivor], "/set?key=" + key + "&value=a");
                    return r != null && r.statusCode() == 200;
                });
                written.put(key, "a");
            }

            // Restart it with the same folder: it catches up and serves every acknowledged write.
            nodes.restart(victim);
            nodes.awaitReady(http[victimIndex]);
            for (Map.Entry<String, String> e : written.entrySet()) {
                nodes.await("reading " + e.getKey() + " through the restarted node", () -> {
                    HttpResponse<String> r = nodes.tryGet(http[victimIndex], "/get?key=" + e.getKey());
                    return r != null && r.statusCode() == 200 && r.body().equals(e.getValue());
                });
            }
            // Its own replicas caught up: every node holds the same number of keys (one copy per replica).
            nodes.await("the restarted node's replicas to hold what the others hold", () -> {
                double first = entries(nodes, http[0]);
                return first == written.size() + 1 && entries(nodes, http[1]) == first && entries(nodes, http[2]) == first;
            });
        }
    }

    private static final Pattern ENTRIES = Pattern.compile("(?m)^ringcache_shard_entries\\{[^}]*} ([0-9.E+]+)$");

    /** The keys a node holds over all its replicas, from its /metrics. */
    private static double entries(ClusterProcesses nodes, int httpPort) {
        HttpResponse<String> r = nodes.tryGet(httpPort, "/metrics");
        if (r == null || r.statusCode() != 200) {
            return -1;
        }
        double sum = 0;
        Matcher m = ENTRIES.matcher(r.body());
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static String storeLeadingMost(String clusterJson) {
        Map<String, Integer> counts = new HashMap<>();
        Matcher m = LEADER.matcher(clusterJson);
        while (m.find()) {
            if (!m.group(1).isEmpty()) {
                counts.merge(m.group(1), 1, Integer::sum);
            }
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
}
