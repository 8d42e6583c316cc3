package io.ringcache.placement.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What `ringctl status` and friends show, as the PD leader sees it now.
 *
 * @param map            the partition map
 * @param stores         every store with its liveness and counts
 * @param shards         every shard with its load and key share
 * @param operators      unfinished operators first, then the finished ones, newest first
 * @param targetReplicas the configured replica count
 */
public record ClusterStatus(PartitionMap map, List<StoreStatus> stores, List<ShardStatus> shards,
                            List<Operator> operators, int targetReplicas) {

    /**
     * @param heartbeatAgeMillis since its last heartbeat; -1 if not heard since this PD leader took over
     */
    /**
     * @param memoryBudgetBytes the store's memory for shard replicas as it last reported it (0: unknown)
     * @param reservedBytes     what its hosted replicas may use together (hosted x per-replica budget)
     * @param dataBytes         the data its hosted replicas hold, as it last reported them
     */
    public record StoreStatus(StoreInfo store, long heartbeatAgeMillis, int replicas, int leaders, double opsPerSecond,
                              long memoryBudgetBytes, long reservedBytes, long dataBytes) {
    }

    public record ShardStatus(ShardInfo shard, double opsPerSecond, long entries, long bytes, double keyShare) {
    }

    /**
     * The status of {@code state} as {@code view} sees it at {@code now}; {@code lastHeard} holds
     * each store's last heartbeat time.
     */
    static ClusterStatus of(PlacementState state, ClusterView view, Map<String, Long> lastHeard, long now, int targetReplicas) {
        PartitionMap map = state.map();
        Map<String, Integer> replicas = new TreeMap<>();
        Map<String, Integer> leaders = new TreeMap<>();
        Map<String, Double> ops = new TreeMap<>();
        List<ShardStatus> shards = new ArrayList<>();
        Map<Integer, Double> shares = map.ring().shares();
        for (ShardInfo s : map.shards().values()) {
            for (String m : ClusterView.members(s)) {
                replicas.merge(m, 1, Integer::sum);
            }
            double load = view.shardLoad(s.id());
            if (!s.leader().isEmpty()) {
                leaders.merge(s.leader(), 1, Integer::sum);
                ops.merge(s.leader(), load, Double::sum);
            }
            Optional<StoreReport.Replica> r = s.leader().isEmpty() ? Optional.empty() : view.report(s.leader(), s.id());
            shards.add(new ShardStatus(s, load, r.map(StoreReport.Replica::entries).orElse(0L),
                    r.map(StoreReport.Replica::bytes).orElse(0L), shares.getOrDefault(s.id(), 0.0)));
        }
        List<StoreStatus> stores = new ArrayList<>();
        for (StoreInfo s : map.stores().values()) {
            Long heard = lastHeard.get(s.id());
            Optional<StoreReport> report = view.storeReport(s.id());
            stores.add(new StoreStatus(s, heard == null ? -1 : now - heard,
                    replicas.getOrDefault(s.id(), 0), leaders.getOrDefault(s.id(), 0), ops.getOrDefault(s.id(), 0.0),
                    report.map(StoreReport::memoryBudgetBytes).orElse(0L),
                    report.map(r -> r.replicas().size() * r.shardBudgetBytes()).orElse(0L),
                    report.map(r -> r.replicas().values().stream().mapToLong(StoreReport.Replica::bytes).sum()).orElse(0L)));
        }
        List<Operator> operators = new ArrayList<>(state.active());
        List<Operator> finished = new ArrayList<>(state.operators().values().stream().filter(Operator::finished).toList());
        finished.sort(Comparator.comparingLong(Operator::updated).reversed());
        operators.addAll(finished);
        return new ClusterStatus(map, stores, shards, operators, targetReplicas);
    }
}
