package io.ringcache.placement.core;

import java.util.Map;
import java.util.Optional;

/**
 * Relieves a hot store: when the store whose leaderships serve the most ops/s serves more than
 * {@code hotRatio} times the mean (and at least {@code hotMinOpsPerSecond}), hands one of its
 * shards' leadership to the live voter for which the busier of the two ends up least busy, and
 * only if that is strictly better than now.
 */
public final class HotShardScheduler implements Scheduler {

    @Override
    public Optional<Proposal> next(ClusterView view) {
        Map<String, Double> loads = view.leaderLoads();
        if (loads.size() < 2) {
            return Optional.empty();
        }
        String hot = null;
        for (var e : loads.entrySet()) {
            if (hot == null || e.getValue() > loads.get(hot)) {
                hot = e.getKey();
            }
        }
        double hotLoad = loads.get(hot);
        if (hotLoad < view.config().hotMinOpsPerSecond() || hotLoad <= hotLine(view, loads)) {
            return Optional.empty();
        }
        Proposal best = null;
        double bestMax = hotLoad;
        for (ShardInfo s : view.projectedShards().values()) {
            if (!s.leader().equals(hot) || view.busy(s.id())) {
                continue;
            }
            double x = view.shardLoad(s.id());
            for (String v : s.replicas()) {
                Double to = loads.get(v);
                if (to == null || v.equals(hot) || !view.canLead(v)) {
                    continue;
                }
                double after = Math.max(hotLoad - x, to + x);
                if (after < bestMax) {
                    bestMax = after;
                    best = new Proposal(s.id(), OperatorKind.TRANSFER_LEADER, hot, v, "hot-shard");
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Load above which a store counts as hot: the ratio times the mean, or the floor if higher. */
    static double hotLine(ClusterView view, Map<String, Double> loads) {
        double sum = 0;
        for (double l : loads.values()) {
            sum += l;
        }
        double mean = loads.isEmpty() ? 0 : sum / loads.size();
        return Math.max(view.config().hotRatio() * mean, view.config().hotMinOpsPerSecond());
    }
}
