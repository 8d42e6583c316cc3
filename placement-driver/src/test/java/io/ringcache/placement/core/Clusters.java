package io.ringcache.placement.core;

import io.ringcache.routing.TokenPlanner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Random cluster states for the scheduler properties: 1-8 stores (some zoned, some silent past the
 * down or repair time, some draining or removed), 1-24 shards with 1-4 voters, random leaders,
 * per-shard load reports, and sometimes unfinished operators.
 */
final class Clusters {

    static final long NOW = 10_000_000;

    private Clusters() {
    }

    /** One generated cluster; {@link #perShardOps} is what each shard's leader reports. */
    record Cluster(PlacementState state, Map<String, Long> lastHeard, Map<String, StoreReport> reports,
                   SchedulingConfig config, Map<Integer, Double> perShardOps, boolean zoned, boolean cold) {

        ClusterView view() {
            return new ClusterView(state, lastHeard, reports, NOW, config);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("Cluster{replicas=" + config.replicas() + ", zoned=" + zoned
                    + ", cold=" + cold + "\n");
            for (StoreInfo s : state.map().stores().values()) {
                Long heard = lastHeard.get(s.id());
                b.append("  ").append(s.id()).append(' ').append(s.state()).append(" zone=").append(s.zone())
                        .append(" silent=").append(heard == null ? "never" : (NOW - heard) + "ms").append('\n');
            }
            for (ShardInfo s : state.map().shards().values()) {
                b.append("  shard ").append(s.id()).append(" voters=").append(s.replicas()).append(" learners=")
                        .append(s.learners()).append(" leader=").append(s.leader()).append(" ops=")
                        .append(String.format("%.1f", perShardOps.get(s.id()))).append('\n');
            }
            for (Operator op : state.active()) {
                b.append("  ").append(op).append('\n');
            }
            return b.append('}').toString();
        }
    }

    static Cluster random(Random r, boolean withOperators) {
        int[] replicaChoices = {3, 3, 3, 2, 1};
        SchedulingConfig config = SchedulingConfig.defaults(1).withReplicas(replicaChoices[r.nextInt(replicaChoices.length)]);
        boolean zoned = r.nextBoolean();
        boolean cold = r.nextBoolean();
        int n = 1 + r.nextInt(8);
        Map<String, StoreInfo> stores = new TreeMap<>();
        Map<String, Long> lastHeard = new HashMap<>();
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String id = "s" + i;
            Map<String, String> labels = zoned && r.nextInt(5) != 0 ? Map.of("zone", "z" + (1 + r.nextInt(3))) : Map.of();
            int roll = r.nextInt(10);
            StoreState state = i == 1 || roll < 7 ? StoreState.UP
                    : roll == 7 ? StoreState.DOWN : roll == 8 ? StoreState.DRAINING : StoreState.REMOVED;
            stores.put(id, new StoreInfo(id, id + ":1", id + ":2", id + ":3", labels, state));
            if (state != StoreState.REMOVED) {
                hosts.add(id);
                int live = r.nextInt(20);
                long silent = live < 14 ? r.nextInt((int) config.downAfterMillis())
                        : live < 17 ? config.downAfterMillis() + 1 + r.nextInt((int) (config.repairAfterMillis() - config.downAfterMillis()))
                        : config.repairAfterMillis() + 1 + r.nextInt(100_000);
                lastHeard.put(id, NOW - silent);
            }
        }
        int shardCount = 1 + r.nextInt(24);
        Map<Integer, ShardInfo> shards = new TreeMap<>();
        Map<Integer, Double> ops = new TreeMap<>();
        int[] ids = new int[shardCount];
        for (int id = 0; id < shardCount; id++) {
            ids[id] = id;
            List<String> pool = new ArrayList<>(hosts);
            Collections.shuffle(pool, r);
            int k = 1 + r.nextInt(Math.min(4, pool.size()));
            List<String> voters = new ArrayList<>(pool.subList(0, k));
            List<String> learners = new ArrayList<>();
            if (pool.size() > k && r.nextInt(5) == 0) {
                learners.add(pool.get(k));
            }
            String leader = r.nextInt(5) == 0 ? "" : voters.get(r.nextInt(voters.size()));
            shards.put(id, new ShardInfo(id, voters, learners, leader, 1));
            ops.put(id, cold ? r.nextDouble() * 5 : r.nextInt(4) == 0 ? r.nextDouble() * 3000 : r.nextDouble() * 150);
        }
        PartitionMap map = new PartitionMap(1, TokenPlanner.initial(ids), shards, stores);
        Map<OperatorId, Operator> operators = new LinkedHashMap<>();
        long next = 1;
        if (withOperators) {
            for (ShardInfo s : shards.values()) {
                if (r.nextInt(5) != 0) {
                    continue;
                }
                Operator op = randomOperator(r, new OperatorId(next), s, new ArrayList<>(stores.keySet()), config, false);
                if (op != null) {
                    operators.put(op.id(), op);
                    next++;
                }
            }
        }
        PlacementState state = new PlacementState(5, map, operators, next);
        return new Cluster(state, lastHeard, reports(map, lastHeard, ops, r), config, ops, zoned, cold);
    }

    /**
     * An unfinished operator on {@code s}. With {@code anyStep} its step and stores are arbitrary
     * (the map may disagree with them, as after lost replies); otherwise it is one a scheduler or
     * an admin could have made, at its first step.
     */
    static Operator randomOperator(Random r, OperatorId id, ShardInfo s, List<String> stores, SchedulingConfig config,
                                   boolean anyStep) {
        OperatorKind kind = OperatorKind.values()[r.nextInt(3)];
        String any1 = stores.get(r.nextInt(stores.size()));
        String any2 = stores.get(r.nextInt(stores.size()));
        String voter = s.replicas().get(r.nextInt(s.replicas().size()));
        long updated = NOW - (r.nextInt(4) == 0 ? config.stepTimeoutMillis() + r.nextInt(1000_000) : r.nextInt(10_000));
        long mark = r.nextInt(3) == 0 ? 0 : r.nextInt(1000);
        if (anyStep) {
            OperatorStep step = switch (kind) {
                case MOVE_REPLICA -> List.of(OperatorStep.ADD_LEARNER, OperatorStep.CATCH_UP, OperatorStep.PROMOTE,
                        OperatorStep.TRANSFER_AWAY, OperatorStep.REMOVE_SOURCE, OperatorStep.DROP_SOURCE,
                        OperatorStep.ROLLBACK).get(r.nextInt(7));
                case REMOVE_REPLICA -> List.of(OperatorStep.TRANSFER_AWAY, OperatorStep.REMOVE_SOURCE,
                        OperatorStep.DROP_SOURCE).get(r.nextInt(3));
                default -> OperatorStep.TRANSFER;
            };
            String source = kind == OperatorKind.TRANSFER_LEADER || r.nextBoolean() ? voter : any1;
            String target = kind == OperatorKind.MOVE_REPLICA && r.nextInt(4) == 0 ? "" : any2;
            if (kind == OperatorKind.MOVE_REPLICA && target.isEmpty()) {
                target = any2;
                source = "";
            }
            if (kind == OperatorKind.REMOVE_REPLICA) {
                target = "";
            }
            return new Operator(id, s.id(), kind, source, target, OperatorStatus.RUNNING, step,
                    r.nextBoolean() ? "cancelled by an operator" : "", "test", mark, NOW - 1_000_000, updated, r.nextInt(4));
        }
        boolean pending = r.nextInt(3) == 0;
        OperatorStatus status = pending ? OperatorStatus.PENDING : OperatorStatus.RUNNING;
        switch (kind) {
            case MOVE_REPLICA: {
                List<String> free = stores.stream().filter(x -> !s.hasMember(x)).toList();
                if (free.isEmpty()) {
                    return null;
                }
                String to = free.get(r.nextInt(free.size()));
                String from = r.nextBoolean() ? voter : "";
                return new Operator(id, s.id(), kind, from, to, status, pending ? OperatorStep.QUEUED : OperatorStep.ADD_LEARNER,
                        "", "test", 0, NOW - 1000, updated, 0);
            }
            case REMOVE_REPLICA: {
                String from = !s.learners().isEmpty() ? s.learners().get(0) : voter;
                if (s.replicas().size() < 2 && s.learners().isEmpty()) {
                    return null;
                }
                return new Operator(id, s.id(), kind, from, "", status, pending ? OperatorStep.QUEUED : OperatorStep.TRANSFER_AWAY,
                        "", "test", 0, NOW - 1000, updated, 0);
            }
            default: {
                List<String> others = s.replicas().stream().filter(x -> !x.equals(s.leader())).toList();
                if (others.isEmpty()) {
                    return null;
                }
                return new Operator(id, s.id(), kind, s.leader(), others.get(r.nextInt(others.size())), status,
                        pending ? OperatorStep.QUEUED : OperatorStep.TRANSFER, "", "test", 0, NOW - 1000, updated, 0);
            }
        }
    }

    /** Heartbeat reports of the live stores for {@code map}: roles, applied indexes, the leader's ops/s. */
    static Map<String, StoreReport> reports(PartitionMap map, Map<String, Long> lastHeard, Map<Integer, Double> ops,
                                            Random r) {
        Map<String, StoreReport> out = new TreeMap<>();
        for (String store : lastHeard.keySet()) {
            Map<Integer, StoreReport.Replica> reps = new HashMap<>();
            for (ShardInfo s : map.shardsOn(store)) {
                boolean leads = s.leader().equals(store);
                StoreReport.Role role = leads ? StoreReport.Role.LEADER
                        : s.learners().contains(store) ? StoreReport.Role.LEARNER : StoreReport.Role.FOLLOWER;
                long applied = r == null ? 100 : r.nextInt(1000);
                reps.put(s.id(), new StoreReport.Replica(role, applied, leads ? ops.get(s.id()) : 0, 10, 1000));
            }
            out.put(store, new StoreReport(store, reps));
        }
        return out;
    }
}
