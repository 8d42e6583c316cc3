package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.ShardStatus;
import io.ringcache.proto.v1.StoreState;
import io.ringcache.proto.v1.StoreStatus;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Whether replica and leader counts are balanced, from {@code GetClusterStatus}:
 * <ul>
 *   <li>replicas: {@code StoreStatus.replicas} of the UP stores differ by at most one;</li>
 *   <li>leaders: no shard led by an UP store has a voter on another UP store with two or more
 *       fewer leaderships ({@code StoreStatus.leaders}) than its leader's store, that is, no leader
 *       transfer would still even the counts out. When every store holds every shard this is
 *       "leader counts within one".</li>
 * </ul>
 */
record Balance(boolean replicasBalanced, boolean leadersBalanced, Map<String, Integer> replicas,
               Map<String, Integer> leaders) {

    static Balance of(GetClusterStatusResponse status) {
        Map<String, Integer> replicas = new TreeMap<>();
        Map<String, Integer> leaders = new TreeMap<>();
        for (StoreStatus s : status.getStoresList()) {
            if (s.getStore().getState() == StoreState.STORE_STATE_UP) {
                replicas.put(s.getStore().getId(), s.getReplicas());
                leaders.put(s.getStore().getId(), s.getLeaders());
            }
        }
        int max = replicas.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int min = replicas.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        boolean replicasBalanced = max - min <= 1;
        boolean leadersBalanced = true;
        for (ShardStatus shard : status.getShardsList()) {
            Integer from = leaders.get(shard.getPlacement().getLeader());
            if (from == null) {
                continue;
            }
            for (String voter : shard.getPlacement().getReplicasList()) {
                Integer to = leaders.get(voter);
                if (to != null && from - to >= 2) {
                    leadersBalanced = false;
                }
            }
        }
        return new Balance(replicasBalanced, leadersBalanced, replicas, leaders);
    }

    boolean balanced() {
        return replicasBalanced && leadersBalanced;
    }

    /** "replicas per UP store s1=4 s2=4 s4=1; leaders s1=2 s2=2 s4=0". */
    String describe() {
        return "replicas per UP store " + counts(replicas) + "; leaders " + counts(leaders);
    }

    private static String counts(Map<String, Integer> m) {
        if (m.isEmpty()) {
            return "(no UP store)";
        }
        StringJoiner j = new StringJoiner(" ");
        m.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }
}
