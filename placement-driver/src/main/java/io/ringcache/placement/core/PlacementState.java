package io.ringcache.placement.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.ringcache.placement.core.access.AccessTable;

/**
 * Everything the placement driver replicates: the partition map (absent until the first store
 * registers) and the operator table. Immutable; every change makes a new state with the next
 * revision, and a change is committed only if it was computed from the current revision (see
 * {@link PlacementLog}), so a deposed leader can never overwrite its successor's work.
 *
 * @param revision       grows by one on every change (the map's epoch grows only when the map changes)
 * @param map            the partition map, or null before the cluster has any store
 * @param operators      by id, in creation order; finished ones are kept up to {@link #HISTORY}
 * @param nextOperatorId the number the next operator's id gets
 * @param access         users, roles and whether auth is on ({@link AccessTable}); it has its own revision
 */
public record PlacementState(long revision, PartitionMap map, Map<OperatorId, Operator> operators, long nextOperatorId,
                             AccessTable access) {

    /** How many finished operators are kept for `ringctl operators`. */
    public static final int HISTORY = 200;

    public static final PlacementState EMPTY = new PlacementState(0, null, Map.of(), 1, AccessTable.EMPTY);

    public PlacementState {
        operators = Collections.unmodifiableMap(new LinkedHashMap<>(operators));
        access = access == null ? AccessTable.EMPTY : access;
    }

    /** A state with no users or roles (auth off). */
    public PlacementState(long revision, PartitionMap map, Map<OperatorId, Operator> operators, long nextOperatorId) {
        this(revision, map, operators, nextOperatorId, AccessTable.EMPTY);
    }

    /** This state with {@code next} access rules, as one revision. */
    public PlacementState withAccess(AccessTable next) {
        return new PlacementState(revision + 1, map, operators, nextOperatorId, next);
    }

    public Optional<PartitionMap> partitionMap() {
        return Optional.ofNullable(map);
    }

    /** The unfinished operator on {@code shardId}, if any. */
    public Optional<Operator> activeOn(int shardId) {
        for (Operator op : operators.values()) {
            if (op.shardId() == shardId && !op.finished()) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    public List<Operator> active() {
        List<Operator> out = new ArrayList<>();
        for (Operator op : operators.values()) {
            if (!op.finished()) {
                out.add(op);
            }
        }
        return out;
    }

    public PlacementState withMap(PartitionMap next) {
        return new PlacementState(revision + 1, next, operators, nextOperatorId, access);
    }

    /** The id the next operator added gets. */
    public OperatorId nextId() {
        return new OperatorId(nextOperatorId);
    }

    /** Adds a new operator (its id is assigned here). */
    public PlacementState withNewOperator(Operator draft) {
        OperatorId id = nextId();
        Operator op = new Operator(id, draft.shardId(), draft.kind(), draft.source(), draft.target(), draft.status(),
                draft.step(), draft.reason(), draft.origin(), draft.mark(), draft.created(), draft.updated(),
                draft.attempts());
        Map<OperatorId, Operator> next = new LinkedHashMap<>(operators);
        next.put(id, op);
        return new PlacementState(revision + 1, map, next, nextOperatorId + 1, access);
    }

    /** Replaces an operator; drops the oldest finished ones beyond {@link #HISTORY}. */
    public PlacementState withOperator(Operator op) {
        Map<OperatorId, Operator> next = new LinkedHashMap<>(operators);
        next.put(op.id(), op);
        long finished = next.values().stream().filter(Operator::finished).count();
        var it = next.values().iterator();
        while (finished > HISTORY && it.hasNext()) {
            if (it.next().finished()) {
                it.remove();
                finished--;
            }
        }
        return new PlacementState(revision + 1, map, next, nextOperatorId, access);
    }

    /** This state with both changes, as one revision. */
    public PlacementState withMapAndOperator(PartitionMap nextMap, Operator op) {
        PlacementState s = withOperator(op);
        return new PlacementState(revision + 1, nextMap, s.operators, nextOperatorId, access);
    }
}
