package io.ringcache.placement.core;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps every shard at the configured number of voting replicas, on live stores that are not
 * being drained: adds a replica where one is missing, replaces a replica its store reported lost or one on a store that has been
 * silent past the repair time, been removed, or is draining, removes a surplus replica, and
 * removes a stray learner no operator owns. Replacements add before they remove, except for a
 * lost replica no other store can replace (see {@link #lostWithLiveRest}).
 */
public final class RepairScheduler implements Scheduler {

    @Override
    public Optional<Proposal> next(ClusterView view) {
        int wanted = view.config().replicas();
        for (ShardInfo s : view.projectedShards().values()) {
            if (view.busy(s.id())) {
                continue;
            }
            if (!s.learners().isEmpty()) {
                return Optional.of(new Proposal(s.id(), OperatorKind.REMOVE_REPLICA, s.learners().get(0), "", "repair"));
            }
            if (s.replicas().size() < wanted) {
                Optional<String> to = view.bestTarget(s, "");
                if (to.isPresent()) {
                    return Optional.of(new Proposal(s.id(), OperatorKind.MOVE_REPLICA, "", to.get(), "repair"));
                }
            }
            Optional<String> leaving = s.replicas().stream().filter(r -> leaving(view, r) || view.lost(s.id(), r)).min(
                    Comparator.comparingInt((String r) -> draining(view, r) ? 1 : 0).thenComparing(r -> r));
            if (leaving.isPresent()) {
                Optional<String> to = view.bestTarget(s, leaving.get());
                String origin = draining(view, leaving.get()) ? "drain" : "repair";
                if (to.isPresent()) {
                    return Optional.of(new Proposal(s.id(), OperatorKind.MOVE_REPLICA, leaving.get(), to.get(), origin));
                }
                if (s.replicas().size() > wanted || lostWithLiveRest(view, s, leaving.get())) {
                    return Optional.of(new Proposal(s.id(), OperatorKind.REMOVE_REPLICA, leaving.get(), "", origin));
                }
                continue;
            }
            if (s.replicas().size() > wanted) {
                Map<String, Integer> counts = view.replicaCounts();
                String surplus = s.replicas().stream()
                        .max(Comparator.comparingInt((String r) -> view.alive(r) ? 0 : 1)
                                .thenComparingInt(r -> counts.getOrDefault(r, 0))
                                .thenComparing(r -> r)).orElseThrow();
                return Optional.of(new Proposal(s.id(), OperatorKind.REMOVE_REPLICA, surplus, "", "repair"));
            }
        }
        return Optional.empty();
    }

    /**
     * A replica its live store reported lost, with no other store to take its place (three
     * stores, three replicas), is removed when every other voter is alive: the replica does not
     * run, so the group already depends on the others, and once it is gone the missing-replica
     * rule above adds a fresh one, to the same store if no other can take it. Without this a
     * three-store cluster kept such a shard on two running voters for good. A replica on a dead
     * store is not removed this way: the store may come back with it.
     */
    private static boolean lostWithLiveRest(ClusterView view, ShardInfo s, String store) {
        if (!view.lost(s.id(), store)) {
            return false;
        }
        for (String v : s.replicas()) {
            if (!v.equals(store) && !view.alive(v)) {
                return false;
            }
        }
        return s.replicas().size() > 1;
    }

    private static boolean leaving(ClusterView view, String store) {
        return view.needsRepair(store) || draining(view, store);
    }

    private static boolean draining(ClusterView view, String store) {
        StoreInfo s = view.map().stores().get(store);
        return s != null && s.state() == StoreState.DRAINING;
    }

    /** Shards with fewer voters than wanted while a store could take one (for status). */
    public static List<Integer> underReplicated(ClusterView view) {
        int wanted = view.config().replicas();
        return view.map().shards().values().stream()
                .filter(s -> s.replicas().size() < wanted || s.replicas().stream().anyMatch(r -> !view.alive(r)))
                .map(ShardInfo::id).toList();
    }
}
