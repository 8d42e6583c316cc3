package io.ringcache.placement.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans replica additions for shards with fewer than the wanted replicas: each goes to the UP
 * store that holds the fewest replicas and none of that shard (lowest id on ties), so replica
 * counts stay within one of each other as stores join. Pure and deterministic.
 */
public final class ReplicaPlanner {

    /** A replica of {@code shardId} to add on {@code storeId}. */
    public record Addition(int shardId, String storeId) {
    }

    private ReplicaPlanner() {
    }

    public static List<Addition> plan(PartitionMap map, int wantedReplicas) {
        Map<String, Integer> load = new HashMap<>();
        for (StoreInfo s : map.stores().values()) {
            if (s.state() == StoreState.UP) {
                load.put(s.id(), 0);
            }
        }
        for (ShardInfo shard : map.shards().values()) {
            for (String r : shard.replicas()) {
                load.computeIfPresent(r, (k, v) -> v + 1);
            }
        }
        List<Addition> plan = new ArrayList<>();
        for (ShardInfo shard : map.shards().values()) {
            List<String> replicas = new ArrayList<>(shard.replicas());
            while (replicas.size() < wantedReplicas) {
                String target = load.entrySet().stream()
                        .filter(e -> !replicas.contains(e.getKey()))
                        .min(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                                .thenComparing(Map.Entry::getKey))
                        .map(Map.Entry::getKey).orElse(null);
                if (target == null) {
                    break;
                }
                plan.add(new Addition(shard.id(), target));
                replicas.add(target);
                load.merge(target, 1, Integer::sum);
            }
        }
        return plan;
    }
}
