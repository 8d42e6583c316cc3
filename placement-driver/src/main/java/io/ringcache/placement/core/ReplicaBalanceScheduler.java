package io.ringcache.placement.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evens out replicas by what they weigh ({@link BalanceWeights}: half count, half data): moves a
 * replica of weight {@code w} from the highest-scoring receiving store to a store scoring at least
 * {@code 2w} less that lacks the shard, has memory for it and whose zone does not make things
 * worse. Of the shards that qualify it moves the one whose weight is closest to the mean weight
 * of the source's replicas (then the heavier): a typical replica of the source, so counts and
 * bytes even out together (taking the heaviest first fills a new store with few large shards, a
 * third more than its share of the bytes in {@code WeightedBalanceProperties}' case). Each move lowers that sum by at least {@code 2w²}, so repeated plans converge. When every shard
 * weighs 1 (alike in size, or a nearly empty cluster) this is the count rule: move while a store
 * holds two replicas more than another. Zones are never made worse (a move never puts a second
 * replica of a shard in a zone unless its source was already sharing one).
 */
public final class ReplicaBalanceScheduler implements Scheduler {

    @Override
    public Optional<Proposal> next(ClusterView view) {
        return find(view, true);
    }

    /** The move to make, skipping busy shards when {@code skipBusy}. */
    private static Optional<Proposal> find(ClusterView view, boolean skipBusy) {
        Map<String, Double> scores = view.replicaScores();
        Map<String, Integer> counts = view.replicaCounts();
        BalanceWeights weights = view.weights();
        List<String> stores = new ArrayList<>(scores.keySet());
        List<String> fullest = new ArrayList<>(stores);
        fullest.sort(Comparator.comparingDouble((String s) -> -scores.get(s)).thenComparing(s -> s));
        List<String> emptiest = new ArrayList<>(stores);
        emptiest.sort(Comparator.comparingDouble((String s) -> scores.get(s)).thenComparing(s -> s));
        for (String from : fullest) {
            for (String to : emptiest) {
                double gap = scores.get(from) - scores.get(to);
                if (gap < 1 - BalanceWeights.EPSILON) {
                    break; // no shard weighs under 1/2
                }
                if (!view.roomFor(to, 1)) {
                    continue;
                }
                double typical = scores.get(from) / counts.get(from);
                ShardInfo best = null;
                double bestDistance = Double.MAX_VALUE;
                for (ShardInfo s : view.projectedShards().values()) {
                    double w = weights.replica(s.id());
                    double distance = Math.abs(w - typical);
                    boolean closer = distance < bestDistance - BalanceWeights.EPSILON
                            || (distance < bestDistance + BalanceWeights.EPSILON
                                    && w > weights.replica(best.id()) + BalanceWeights.EPSILON);
                    if (gap >= 2 * w - BalanceWeights.EPSILON && closer && !(skipBusy && view.busy(s.id()))
                            && s.replicas().contains(from) && !s.hasMember(to) && zoneAllows(view, s, from, to)) {
                        best = s;
                        bestDistance = distance;
                    }
                }
                if (best != null) {
                    return Optional.of(new Proposal(best.id(), OperatorKind.MOVE_REPLICA, from, to, "replica-balance"));
                }
            }
        }
        return Optional.empty();
    }

    static boolean zoneAllows(ClusterView view, ShardInfo s, String from, String to) {
        Set<String> zones = new HashSet<>();
        for (String m : ClusterView.members(s)) {
            if (!m.equals(from)) {
                zones.add(view.zone(m));
            }
        }
        return !view.zoneClash(zones, to) || view.zoneClash(zones, from);
    }

    /**
     * Whether this rule has nothing left to do in the projected map: no store scores {@code 2w} or
     * more above a store with room that could take one of its replicas of weight {@code w} without
     * doubling up a zone. With shards alike and no zone labels that means counts within one of each
     * other (a store with two more replicas than another always has a shard the other lacks); with
     * zones it is as even as the zones allow (three zones of one, one and five stores keep the lone
     * stores at one replica per shard).
     */
    public static boolean balanced(ClusterView view) {
        return find(view, false).isEmpty();
    }
}
