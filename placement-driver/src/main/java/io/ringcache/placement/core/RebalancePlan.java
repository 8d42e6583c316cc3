package io.ringcache.placement.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What `ringctl rebalance` plans: replica moves, then leader transfers, chained on a hypothetical view. */
final class RebalancePlan {

    private RebalancePlan() {
    }

    /** Plans balance moves and transfers on a hypothetical view; pure. */
    static List<Proposal> plan(ClusterView start, int maxMoves) {
        int limit = maxMoves <= 0 ? 100_000 : maxMoves;
        List<Proposal> plan = new ArrayList<>();
        ClusterView view = start;
        for (Scheduler rule : List.of(new ReplicaBalanceScheduler(), new LeaderBalanceScheduler())) {
            while (plan.size() < limit) {
                Optional<Proposal> p = rule.next(view);
                if (p.isEmpty()) {
                    break;
                }
                plan.add(p.get());
                view = view.withPlanned(p.get());
            }
        }
        List<Proposal> out = new ArrayList<>();
        for (Proposal p : plan) {
            out.add(new Proposal(p.shardId(), p.kind(), p.source(), p.target(), "rebalance"));
        }
        return out;
    }
}
