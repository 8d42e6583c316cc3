package io.ringcache.e2e;

import io.ringcache.chaos.adapter.grpc.PdProbe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.StoreState;
import io.ringcache.proto.v1.StoreStatus;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The placement driver issue's process test: three PD processes and four store processes;
 * a store is killed and its replicas are rebuilt on the survivors with no key lost; the PD leader
 * is killed and a fifth store is balanced in by `ringctl rebalance` under the new leader.
 */
class PlacementProcessIT {

    private static final int KEYS = 200;

    @Test
    void repairRebalanceAndPdFailover() throws Exception {
        try (ClusterProcesses cluster = new ClusterProcesses()) {
            int[] pdGrpc = new int[3];
            StringBuilder peers = new StringBuilder();
            int[] pdRaft = new int[3];
            for (int i = 0; i < 3; i++) {
                pdGrpc[i] = ClusterProcesses.freePort();
                pdRaft[i] = ClusterProcesses.freePort();
                peers.append(i == 0 ? "" : ",").append("pd").append(i + 1).append("=127.0.0.1:").append(pdRaft[i])
                        .append("/127.0.0.1:").append(pdGrpc[i]);
            }
            String pdList = "127.0.0.1:" + pdGrpc[0] + ",127.0.0.1:" + pdGrpc[1] + ",127.0.0.1:" + pdGrpc[2];
            for (int i = 0; i < 3; i++) {
                cluster.startProgram("pd" + (i + 1), "ringcache-pd", "-id", "pd" + (i + 1),
                        "-grpc_addr", "127.0.0.1:" + pdGrpc[i], "-raft_addr", "127.0.0.1:" + pdRaft[i],
                        "-http_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-data_dir", "data",
                        "-peers", peers.toString(), "-shards", "8", "-down_after", "2s", "-repair_after", "6s",
                        "-auto_balance=false", "-election_timeout", "1000ms");
            }
            Map<String, Integer> http = new HashMap<>();
            for (int i = 1; i <= 4; i++) {
                startStore(cluster, "s" + i, pdList, http);
            }
            try (PdProbe pd = new PdProbe(pdList)) {
                try {
                    cluster.await("every shard on 3 live stores", () -> fullyReplicated(pd.status(), List.of()));
                } catch (AssertionError e) {
                    throw new AssertionError("placement as the PD leader last saw it:\n" + pd.status(), e);
                }

                for (int k = 0; k < KEYS; k++) {
                    HttpResponse<String> r = cluster.get(http.get("s" + (1 + k % 4)), "/set?key=key" + k + "&value=value" + k);
                    assertEquals(200, r.statusCode(), r.body());
                }

                // kill -9 the store holding the most replicas: repair rebuilds them on the survivors.
                String victim = mostReplicas(pd.status());
                long killed = System.nanoTime();
                cluster.kill(victim);
                cluster.await("every shard back to 3 replicas without " + victim,
                        () -> fullyReplicated(pd.status(), List.of(victim)));
                System.out.printf("repair: every shard back to 3 replicas %.1f s after kill -9 of %s (repair_after 6 s)%n",
                        (System.nanoTime() - killed) / 1e9, victim);
                String reader = http.keySet().stream().filter(s -> !s.equals(victim)).sorted().findFirst().orElseThrow();
                assertAllKeys(cluster, http.get(reader));

                // kill -9 the PD leader; the others elect a new one, which schedules the rest.
                String pdLeader = pd.leaderId();
                long pdKilled = System.nanoTime();
                cluster.kill(pdLeader);
                cluster.await("a new PD leader", () -> {
                    String l = pd.leaderIdOrEmpty();
                    return !l.isEmpty() && !l.equals(pdLeader);
                });
                System.out.printf("PD failover: new leader serving %.1f s after kill -9 of %s%n",
                        (System.nanoTime() - pdKilled) / 1e9, pdLeader);
                startStore(cluster, "s5", pdList, http);
                cluster.await("s5 registered and heard", () -> pd.status().getStoresList().stream()
                        .anyMatch(s -> s.getStore().getId().equals("s5") && s.getStore().getState() == StoreState.STORE_STATE_UP));

                long rebalanceStart = System.nanoTime();
                ClusterProcesses.Result rebalance = cluster.run("ringctl", "--pd", pdList, "rebalance", "--timeout", "3m");
                System.out.printf("ringctl rebalance: exit %d after %.1f s%n%s", rebalance.exit(),
                        (System.nanoTime() - rebalanceStart) / 1e9, rebalance.out());
                assertEquals(0, rebalance.exit(), rebalance.out() + rebalance.err());
                GetClusterStatusResponse after = pd.status();
                List<Integer> counts = new ArrayList<>();
                for (StoreStatus s : after.getStoresList()) {
                    if (s.getStore().getState() == StoreState.STORE_STATE_UP) {
                        counts.add(s.getReplicas());
                    }
                }
                int max = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
                int min = counts.stream().mapToInt(Integer::intValue).min().orElseThrow();
                assertTrue(max - min <= 1, "replica counts after rebalance: " + counts + "\n" + rebalance.out());
                assertTrue(fullyReplicated(after, List.of(victim)), after.toString());
                assertAllKeys(cluster, http.get("s5"));

                // The dead store holds nothing now: it can be removed for good.
                ClusterProcesses.Result remove = cluster.run("ringctl", "--pd", pdList, "remove-store", victim);
                assertEquals(0, remove.exit(), remove.out() + remove.err());
            }
        }
    }

    private static void startStore(ClusterProcesses cluster, String id, String pdList, Map<String, Integer> http)
            throws Exception {
        http.put(id, cluster.startStore(id, pdList));
    }

    private static void assertAllKeys(ClusterProcesses cluster, int port) {
        for (int k = 0; k < KEYS; k++) {
            int key = k;
            cluster.await("key" + k + " readable", () -> {
                HttpResponse<String> r = cluster.tryGet(port, "/get?key=key" + key);
                return r != null && r.statusCode() == 200 && r.body().equals("value" + key);
            });
        }
    }

    /** Every shard has 3 voters, no learners, all on UP stores, none of them excluded. */
    private static boolean fullyReplicated(GetClusterStatusResponse status, List<String> excluded) {
        if (status == null || !status.hasMap() || status.getMap().getShardsCount() == 0) {
            return false;
        }
        Map<String, StoreState> states = new HashMap<>();
        status.getMap().getStoresList().forEach(s -> states.put(s.getId(), s.getState()));
        for (ShardPlacement s : status.getMap().getShardsList()) {
            if (s.getReplicasCount() != 3 || s.getLearnersCount() != 0) {
                return false;
            }
            for (String r : s.getReplicasList()) {
                if (excluded.contains(r) || states.get(r) != StoreState.STORE_STATE_UP) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String mostReplicas(GetClusterStatusResponse status) {
        return status.getStoresList().stream().max((a, b) -> Integer.compare(a.getReplicas(), b.getReplicas()))
                .orElseThrow().getStore().getId();
    }
}
