package io.ringcache.placement.core;

import java.util.Map;
import java.util.Optional;

/**
 * Evens out leaderships by what they weigh ({@link BalanceWeights}: half count, half ops/s) with
 * leader transfers (never by stopping anything): a shard whose leadership weighs {@code w}, led by
 * a store scoring at least {@code 2w} above one of its live voters, is handed to that voter. Each
 * transfer lowers the sum of squared scores, so repeated plans converge; with shards equally busy
 * (or an idle cluster) and every store holding a replica of every shard, that means counts within
 * one. Of the transfers that qualify, takes the one that lowers the sum the most, then the coldest
 * shard, and never makes the receiver hot (see {@link HotShardScheduler}), so the two rules do not
 * undo each other.
 */
public final class LeaderBalanceScheduler implements Scheduler {

    @Override
    public Optional<Proposal> next(ClusterView view) {
        return find(view, true);
    }

    /** The transfer to make, skipping busy shards when {@code skipBusy}. */
    private static Optional<Proposal> find(ClusterView view, boolean skipBusy) {
        Map<String, Double> scores = view.leaderScores();
        BalanceWeights weights = view.weights();
        Map<String, Double> loads = view.leaderLoads();
        double hotLine = HotShardScheduler.hotLine(view, loads);
        Proposal best = null;
        double bestGain = 0;
        double bestLoad = Double.MAX_VALUE;
        for (ShardInfo s : view.projectedShards().values()) {
            Double from = scores.get(s.leader());
            if (from == null || (skipBusy && view.busy(s.id()))) {
                continue;
            }
            double load = view.shardLoad(s.id());
            double w = weights.leader(s.id());
            for (String v : s.replicas()) {
                Double to = scores.get(v);
                if (to == null || v.equals(s.leader()) || !view.canLead(v) || loads.get(v) + load > hotLine) {
                    continue;
                }
                double gap = from - to;
                if (gap < 2 * w - BalanceWeights.EPSILON) {
                    continue;
                }
                // How much the transfer lowers the sum of squared scores; ties go to the colder shard.
                double gain = w * (gap - w);
                if (best == null || gain > bestGain + BalanceWeights.EPSILON
                        || (gain > bestGain - BalanceWeights.EPSILON && load < bestLoad)) {
                    best = new Proposal(s.id(), OperatorKind.TRANSFER_LEADER, s.leader(), v, "leader-balance");
                    bestGain = gain;
                    bestLoad = load;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Whether this rule has nothing left to do in the projected map: no shard's leader scores
     * {@code 2w} or more above one of its live voters that could take the shard (of weight
     * {@code w}) without turning hot.
     * (Counting the hot line matters: a shard hotter than the line stays where it is, and requiring
     * counts within one regardless would call such a cluster unbalanced forever.)
     */
    public static boolean balanced(ClusterView view) {
        return find(view, false).isEmpty();
    }
}
