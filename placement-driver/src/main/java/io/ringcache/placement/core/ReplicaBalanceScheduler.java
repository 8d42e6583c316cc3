package io.ringcache.placement.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evens out replicas: while the fullest receiving store holds at least two more replicas than the
 * emptiest one that could take one of its shards, moves one such replica. Each move lowers the
 * sum of squared counts, so repeated plans converge; zones are never made worse (a move never
 * puts a second replica of a shard in a zone unless its source was already sharing one).
 */
public final class ReplicaBalanceScheduler implements Scheduler {

    @Override
    public Optional<Proposal> next(ClusterView view) {
        return find(view, true);
    }

    /** The move to make, skipping busy shards when {@code skipBusy}. */
    private static Optional<Proposal> find(ClusterView view, boolean skipBusy) {
        Map<String, Integer> counts = view.replicaCounts();
        List<String> stores = new ArrayList<>(counts.keySet());
        List<String> fullest = new ArrayList<>(stores);
        fullest.sort(Comparator.comparingInt((String s) -> -counts.get(s)).thenComparing(s -> s));
        List<String> emptiest = new ArrayList<>(stores);
        emptiest.sort(Comparator.comparingInt((String s) -> counts.get(s)).thenComparing(s -> s));
        for (String from : fullest) {
            for (String to : emptiest) {
                if (counts.get(from) - counts.get(to) < 2) {
                    break;
                }
                for (ShardInfo s : view.projectedShards().values()) {
                    if (!(skipBusy && view.busy(s.id())) && s.replicas().contains(from) && !s.hasMember(to)
                            && zoneAllows(view, s, from, to)) {
                        return Optional.of(new Proposal(s.id(), OperatorKind.MOVE_REPLICA, from, to, "replica-balance"));
                    }
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
     * Whether this rule has nothing left to do in the projected map: no store holds two or more
     * replicas more than a store that could take one of them without doubling up a zone. Without
     * zone labels that means counts within one of each other (a store with two more replicas than
     * another always has a shard the other lacks); with zones it is as even as the zones allow
     * (three zones of one, one and five stores keep the lone stores at one replica per shard).
     */
    public static boolean balanced(ClusterView view) {
        return find(view, false).isEmpty();
    }
}
