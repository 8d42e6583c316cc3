package io.ringcache.placement.core;

import java.util.Map;
import java.util.Optional;

/**
 * Evens out leaderships with leader transfers (never by stopping anything): a shard led by a store
 * with at least two more leaderships than one of its live voters is handed to that voter. Each
 * transfer lowers the sum of squared counts, so repeated plans converge; with every store holding
 * a replica of every shard that means counts within one. Prefers the coldest shard, and never
 * makes the receiver hot (see {@link HotShardScheduler}), so the two rules do not undo each other.
 */
public final class LeaderBalanceScheduler implements Scheduler {

    @Override
    public Optional<Proposal> next(ClusterView view) {
        return find(view, true);
    }

    /** The transfer to make, skipping busy shards when {@code skipBusy}. */
    private static Optional<Proposal> find(ClusterView view, boolean skipBusy) {
        Map<String, Integer> counts = view.leaderCounts();
        Map<String, Double> loads = view.leaderLoads();
        double hotLine = HotShardScheduler.hotLine(view, loads);
        Proposal best = null;
        int bestGap = 1;
        double bestLoad = Double.MAX_VALUE;
        for (ShardInfo s : view.projectedShards().values()) {
            Integer from = counts.get(s.leader());
            if (from == null || (skipBusy && view.busy(s.id()))) {
                continue;
            }
            double load = view.shardLoad(s.id());
            for (String v : s.replicas()) {
                Integer to = counts.get(v);
                if (to == null || v.equals(s.leader()) || !view.canLead(v) || loads.get(v) + load > hotLine) {
                    continue;
                }
                int gap = from - to;
                if (gap > bestGap || (gap == bestGap && gap >= 2 && load < bestLoad)) {
                    best = new Proposal(s.id(), OperatorKind.TRANSFER_LEADER, s.leader(), v, "leader-balance");
                    bestGap = gap;
                    bestLoad = load;
                }
            }
        }
        return Optional.ofNullable(bestGap >= 2 ? best : null);
    }

    /**
     * Whether this rule has nothing left to do in the projected map: no shard's leader has two or
     * more leaderships than one of its live voters that could take the shard without turning hot.
     * (Counting the hot line matters: a shard hotter than the line stays where it is, and requiring
     * counts within one regardless would call such a cluster unbalanced forever.)
     */
    public static boolean balanced(ClusterView view) {
        return find(view, false).isEmpty();
    }
}
