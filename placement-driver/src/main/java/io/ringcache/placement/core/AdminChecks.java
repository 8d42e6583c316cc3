package io.ringcache.placement.core;

import java.util.List;

/**
 * What an operator's request must satisfy before placement acts on it: a bad request is an
 * {@link IllegalArgumentException} (the caller named something wrong), a request the cluster
 * cannot honour now an {@link IllegalStateException}. Pure: the caller passes the state.
 */
final class AdminChecks {

    private AdminChecks() {
    }

    /** Moving shard {@code s}'s replica from {@code from} to {@code to}. */
    static void move(ShardInfo s, String from, String to, ClusterView view) {
        if (!s.replicas().contains(from)) {
            throw new IllegalArgumentException("store " + from + " holds no voting replica of shard " + s.id());
        }
        if (s.hasMember(to)) {
            throw new IllegalStateException("store " + to + " already holds shard " + s.id());
        }
        if (!view.canReceive(to)) {
            throw new IllegalStateException("store " + to + " is not up");
        }
    }

    /** Handing shard {@code s}'s leadership to {@code to}. */
    static void transfer(ShardInfo s, String to, ClusterView view) {
        if (!s.replicas().contains(to)) {
            throw new IllegalArgumentException("store " + to + " holds no voting replica of shard " + s.id());
        }
        if (s.leader().equals(to)) {
            throw new IllegalStateException("store " + to + " already leads shard " + s.id());
        }
        if (!view.alive(to)) {
            throw new IllegalStateException("store " + to + " is not up");
        }
    }

    /** Draining {@code storeId}: the live stores left must hold {@code needed} replicas of every shard. */
    static void drain(String storeId, ClusterView view, int needed) {
        long others = view.receivers().stream().filter(r -> !r.equals(storeId)).count();
        if (!view.map().shardsOn(storeId).isEmpty() && others < needed) {
            throw new IllegalStateException("draining " + storeId + " leaves " + others + " live stores for " + needed
                    + " replicas per shard; add a store first");
        }
    }

    /** Removing {@code storeId} for good: it holds nothing and no unfinished operator names it. */
    static void remove(String storeId, PlacementState state) {
        List<ShardInfo> held = state.map().shardsOn(storeId);
        if (!held.isEmpty()) {
            throw new IllegalStateException("store " + storeId + " still holds " + held.size()
                    + " replicas; drain it first (ringctl drain " + storeId + ")");
        }
        // A move to it may be about to add a replica the map does not show yet (before its
        // add-learner step succeeds); removing the store then would strand that operator.
        for (Operator op : state.active()) {
            if (op.target().equals(storeId) || op.source().equals(storeId)) {
                throw new IllegalStateException("store " + storeId + " is named by unfinished operator " + op.id()
                        + "; cancel it or wait");
            }
        }
    }
}
