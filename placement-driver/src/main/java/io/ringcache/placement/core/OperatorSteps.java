package io.ringcache.placement.core;

import io.ringcache.routing.TokenPlanner;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operator state machine, pure: what an operator needs now, and what its state becomes after
 * a call succeeded or failed. Safety lives here: a membership step runs only while the live
 * voters of both the old and the new configuration form majorities, so no step can leave a
 * shard without a live majority; a move adds (learner, catch-up, promote) before it removes.
 *
 * <pre>
 * MOVE_REPLICA:    ADD_LEARNER -> CATCH_UP -> PROMOTE -> [TRANSFER_AWAY -> REMOVE_SOURCE -> DROP_SOURCE] -> DONE
 *                  (timeout, failure or cancel before PROMOTE) -> ROLLBACK -> FAILED | CANCELLED
 * REMOVE_REPLICA:  TRANSFER_AWAY -> REMOVE_SOURCE -> DROP_SOURCE -> DONE
 * TRANSFER_LEADER: TRANSFER -> DONE
 * SPLIT_SHARD:     SPLIT -> DONE   (no timeout, no cancel once running: see below)
 * </pre>
 *
 * <h2>Splits</h2>
 * A split starts only when no other split runs ({@code PlacementDriver}), so the ring changes by
 * one split at a time and the plan ({@link TokenPlanner#planSplit}) is the same function of the
 * map at every step and on every PD leader. At start the child gets the next free shard id (kept
 * in the operator's target). {@code SPLIT} asks the parent's leader to split (the store makes it
 * idempotent); once a call succeeded the new map (ring and child placement, the parent's voters)
 * is committed with the operator's end in one entry. A running split is never abandoned: the
 * store may have split already with the reply lost, and only the new map makes the moved keys
 * reachable again, so it retries until it succeeds.
 */
public final class OperatorSteps {

    /** Drop attempts on the removed store before leaving it to stale-replica cleanup. */
    static final int DROP_ATTEMPTS = 3;

    /** Failed attempts of a leader transfer before it gives up (a scheduler may propose it again). */
    static final int TRANSFER_ATTEMPTS = 3;
    /** The reason of an operator a person cancelled; a rollback with this cause ends CANCELLED. */
    static final String CANCELLED_BY_ADMIN = "cancelled by an operator";

    private OperatorSteps() {
    }

    /**
     * The first step of an admitted operator, or its failure when the cluster no longer allows it,
     * or the operator still queued (with a reason) when it may be allowed in a moment.
     */
    public static Operator start(Operator op, ClusterView view) {
        ShardInfo s = view.map().shards().get(op.shardId());
        long now = view.now();
        if (s == null) {
            return op.ended(OperatorStatus.FAILED, "shard " + op.shardId() + " does not exist", now);
        }
        switch (op.kind()) {
            case MOVE_REPLICA:
                if (!op.source().isEmpty() && !s.replicas().contains(op.source())) {
                    return op.ended(OperatorStatus.FAILED, "store " + op.source() + " no longer holds shard " + s.id(), now);
                }
                if (s.hasMember(op.target())) {
                    return op.ended(OperatorStatus.FAILED, "store " + op.target() + " already holds shard " + s.id(), now);
                }
                if (!view.canReceive(op.target())) {
                    // A store that just joined (or whose heartbeats a busy machine delayed) may be up in
                    // a moment: stay queued for a step's timeout before giving up.
                    return now - op.created() < view.config().stepTimeoutMillis()
                            ? op.waiting("store " + op.target() + " is not up yet")
                            : op.ended(OperatorStatus.FAILED, "store " + op.target() + " is not up", now);
                }
                return op.at(OperatorStep.ADD_LEARNER, now);
            case REMOVE_REPLICA:
                if (!s.hasMember(op.source())) {
                    return op.ended(OperatorStatus.FAILED, "store " + op.source() + " no longer holds shard " + s.id(), now);
                }
                return op.at(OperatorStep.TRANSFER_AWAY, now);
            case SPLIT_SHARD: {
                if (!s.learners().isEmpty()) {
                    return op.waiting("shard " + s.id() + " is changing its membership");
                }
                String child = Integer.toString(nextShardId(view.map()));
                Operator running = op.at(OperatorStep.SPLIT, now);
                return new Operator(running.id(), running.shardId(), running.kind(), "", child, running.status(),
                        running.step(), "", running.origin(), 0, running.created(), running.updated(), 0);
            }
            case TRANSFER_LEADER:
            default:
                if (!s.replicas().contains(op.target())) {
                    return op.ended(OperatorStatus.FAILED, "store " + op.target() + " is not a voter of shard " + s.id(), now);
                }
                return op.at(OperatorStep.TRANSFER, now);
        }
    }

    /** What a running operator needs now. */
    public static StepOutcome decide(Operator op, ClusterView view) {
        PartitionMap map = view.map();
        ShardInfo s = map.shards().get(op.shardId());
        long now = view.now();
        if (s == null) {
            return new StepOutcome.Advance(op.ended(OperatorStatus.FAILED, "shard " + op.shardId() + " does not exist", now), map);
        }
        Optional<StepOutcome> timedOut = timeout(op, view);
        if (timedOut.isPresent()) {
            return timedOut.get();
        }
        String target = op.target();
        String source = op.source();
        switch (op.step()) {
            case ADD_LEARNER: {
                if (s.hasMember(target)) {
                    return advance(op.at(OperatorStep.CATCH_UP, now).withMark(leaderApplied(s, view)), map);
                }
                if (!view.canReceive(target)) {
                    // Late heartbeats on a busy machine look the same as a crash for a while: wait,
                    // and let the step's timeout undo the move if the store does not come back.
                    return new StepOutcome.Wait("store " + target + " is not up");
                }
                Optional<String> noMajority = majorityMissing(s.replicas(), view);
                if (noMajority.isPresent()) {
                    return new StepOutcome.Wait(noMajority.get());
                }
                List<String> learners = plus(s.learners(), target);
                return run(new StepAction.HostReplica(s.id(), target, s.replicas(), learners),
                        new StepAction.ChangeMembership(s.id(), candidates(s, ""), s.replicas(), learners));
            }
            case CATCH_UP: {
                if (s.replicas().contains(target)) {
                    return advance(op.at(OperatorStep.PROMOTE, now), map);
                }
                if (!s.learners().contains(target)) {
                    return advance(op.at(OperatorStep.ADD_LEARNER, now), map);
                }
                long leaderApplied = leaderApplied(s, view);
                if (op.mark() <= 0 && leaderApplied > 0) {
                    return advance(op.withMark(leaderApplied), map);
                }
                long learnerApplied = view.report(target, s.id()).map(StoreReport.Replica::appliedIndex).orElse(0L);
                if (op.mark() > 0 && learnerApplied >= op.mark()) {
                    return advance(op.at(OperatorStep.PROMOTE, now), map);
                }
                return new StepOutcome.Wait("learner on " + target + " applied " + learnerApplied + " of "
                        + (op.mark() > 0 ? op.mark() : "an unknown leader index"));
            }
            case PROMOTE: {
                if (s.replicas().contains(target)) {
                    return advance(afterPromote(op, now), map);
                }
                List<String> voters = plus(s.replicas(), target);
                Optional<String> noMajority = majorityMissing(voters, view).or(() -> majorityMissing(s.replicas(), view));
                if (noMajority.isPresent()) {
                    return new StepOutcome.Wait(noMajority.get());
                }
                return run(new StepAction.ChangeMembership(s.id(), candidates(s, ""), voters, minus(s.learners(), target)));
            }
            case TRANSFER_AWAY: {
                if (!s.leader().equals(source)) {
                    return advance(op.at(OperatorStep.REMOVE_SOURCE, now), map);
                }
                Optional<String> heir = heir(s, op, view);
                if (heir.isEmpty()) {
                    return new StepOutcome.Wait("no live voter of shard " + s.id() + " can take over leadership from " + source);
                }
                return run(new StepAction.TransferLeader(s.id(), candidates(s, ""), heir.get()));
            }
            case REMOVE_SOURCE: {
                if (!s.hasMember(source)) {
                    return advance(op.at(OperatorStep.DROP_SOURCE, now), map);
                }
                List<String> rest = minus(s.replicas(), source);
                if (rest.isEmpty()) {
                    return advance(op.ended(OperatorStatus.FAILED, "removing " + source + " would leave shard " + s.id()
                            + " without replicas", now), map);
                }
                Optional<String> noMajority = majorityMissing(rest, view).or(() -> majorityMissing(s.replicas(), view));
                if (noMajority.isPresent()) {
                    return new StepOutcome.Wait(noMajority.get());
                }
                return run(new StepAction.ChangeMembership(s.id(), candidates(s, source), rest, minus(s.learners(), source)));
            }
            case DROP_SOURCE: {
                if (!view.alive(source)) {
                    return advance(op.ended(OperatorStatus.DONE, "store " + source + " is down; its stale replica is "
                            + "dropped when it reports again", now), map);
                }
                if (op.attempts() >= DROP_ATTEMPTS) {
                    return advance(op.ended(OperatorStatus.DONE, "could not drop the replica on " + source + " ("
                            + op.reason() + "); it is dropped when it reports again", now), map);
                }
                return run(new StepAction.DropReplica(s.id(), source));
            }
            case TRANSFER: {
                if (s.leader().equals(target)) {
                    return advance(op.ended(OperatorStatus.DONE, "", now), map);
                }
                if (!s.replicas().contains(target)) {
                    return advance(op.ended(OperatorStatus.FAILED, "store " + target + " is no longer a voter of shard "
                            + s.id(), now), map);
                }
                if (!view.canReceive(target)) {
                    return advance(op.ended(OperatorStatus.FAILED, "store " + target + " is down", now), map);
                }
                if (!view.canLead(target)) {
                    // Handing leadership to a store that stopped answering would stall the shard's
                    // leader (Ratis holds writes and reconfiguration while a transfer is pending).
                    return new StepOutcome.Wait("store " + target + " has not been heard from lately");
                }
                if (op.attempts() >= TRANSFER_ATTEMPTS) {
                    return advance(op.ended(OperatorStatus.FAILED, "transfer failed " + op.attempts() + " times: "
                            + op.reason(), now), map);
                }
                return run(new StepAction.TransferLeader(s.id(), candidates(s, ""), target));
            }
            case SPLIT: {
                int child = Integer.parseInt(target);
                if (map.shards().containsKey(child)) {
                    return advance(op.ended(OperatorStatus.DONE, "", now), map);
                }
                Optional<String> noMajority = majorityMissing(s.replicas(), view);
                if (noMajority.isPresent()) {
                    return new StepOutcome.Wait(noMajority.get());
                }
                TokenPlanner.SplitPlan plan = TokenPlanner.planSplit(map.ring(), s.id(), child);
                return run(new StepAction.SplitShard(s.id(), candidates(s, ""), child, s.replicas(), plan.slotBits(),
                        plan.movingSlots()));
            }
            case ROLLBACK: {
                // Even when the map shows no learner, the add-learner call may have taken effect
                // with its reply lost: the membership change (a no-op otherwise) clears it.
                if (s.replicas().contains(target)) {
                    return advance(rolledBack(op, now), map);
                }
                Optional<String> noMajority = majorityMissing(s.replicas(), view);
                if (noMajority.isPresent()) {
                    return new StepOutcome.Wait(noMajority.get());
                }
                StepAction change = new StepAction.ChangeMembership(s.id(), candidates(s, ""), s.replicas(),
                        minus(s.learners(), target));
                return view.alive(target) ? run(change, new StepAction.DropReplica(s.id(), target)) : run(change);
            }
            default:
                throw new IllegalStateException("operator " + op.id() + " is running at step " + op.step());
        }
    }

    /** The state after the step's calls all succeeded. */
    public static StepOutcome.Advance succeeded(Operator op, ClusterView view) {
        PartitionMap map = view.map();
        ShardInfo s = map.shards().get(op.shardId());
        long now = view.now();
        switch (op.step()) {
            case ADD_LEARNER:
                return advance(op.at(OperatorStep.CATCH_UP, now).withMark(leaderApplied(s, view)),
                        map.withShard(s.withLearner(op.target())));
            case PROMOTE:
                return advance(afterPromote(op, now), map.withShard(s.promoted(op.target())));
            case TRANSFER_AWAY: {
                Optional<String> heir = heir(s, op, view);
                PartitionMap next = heir.isPresent() ? map.withShard(s.withLeader(heir.get())) : map;
                return advance(op.at(OperatorStep.REMOVE_SOURCE, now), next);
            }
            case REMOVE_SOURCE:
                return advance(op.at(OperatorStep.DROP_SOURCE, now), map.withShard(s.without(op.source())));
            case DROP_SOURCE:
                return advance(op.ended(OperatorStatus.DONE, "", now), map);
            case TRANSFER:
                return advance(op.ended(OperatorStatus.DONE, "", now), map.withShard(s.withLeader(op.target())));
            case SPLIT:
                return advance(op.ended(OperatorStatus.DONE, "", now), splitMap(map, s, Integer.parseInt(op.target())));
            case ROLLBACK:
                return advance(rolledBack(op, now), s.learners().contains(op.target())
                        ? map.withShard(s.without(op.target())) : map);
            default:
                return advance(op, map);
        }
    }

    /** The map after {@code parent} split into itself and {@code child}: the planned ring, the child on the parent's voters. */
    static PartitionMap splitMap(PartitionMap map, ShardInfo parent, int child) {
        if (map.shards().containsKey(child)) {
            return map;
        }
        TokenPlanner.SplitPlan plan = TokenPlanner.planSplit(map.ring(), parent.id(), child);
        java.util.Map<Integer, ShardInfo> shards = new java.util.TreeMap<>(map.shards());
        shards.put(child, new ShardInfo(child, parent.replicas(), List.of(), "", 0));
        return new PartitionMap(map.epoch() + 1, plan.ring(), shards, map.stores());
    }

    /** The id a new shard gets: one above the largest ever placed (ids are never reused). */
    public static int nextShardId(PartitionMap map) {
        return map.shards().isEmpty() ? 0 : map.shards().lastKey() + 1;
    }

    /** The state after a call of the step failed: the attempt is counted and the reason shown. */
    public static StepOutcome.Advance failed(Operator op, String reason, ClusterView view) {
        return advance(op.failedAttempt(reason), view.map());
    }

    /**
     * Cancels an operator: a queued one at once, a move before promotion by rolling it back, a
     * transfer or a removal that has not removed anything yet at once.
     *
     * @throws IllegalStateException when it has finished or is past the point where it can stop
     */
    public static Operator cancel(Operator op, long now) {
        if (op.finished()) {
            throw new IllegalStateException("operator " + op.id() + " already ended " + op.status().name().toLowerCase());
        }
        String why = CANCELLED_BY_ADMIN;
        if (op.status() == OperatorStatus.PENDING || op.kind() == OperatorKind.TRANSFER_LEADER
                || (op.kind() == OperatorKind.REMOVE_REPLICA && op.step() == OperatorStep.TRANSFER_AWAY)) {
            return op.ended(OperatorStatus.CANCELLED, why, now);
        }
        if (op.kind() == OperatorKind.MOVE_REPLICA && op.step().undoable()) {
            return rollback(op, why, now);
        }
        throw new IllegalStateException("operator " + op.id() + " is past " + op.step().label()
                + " and can only finish; it will complete on its own");
    }

    private static Optional<StepOutcome> timeout(Operator op, ClusterView view) {
        long limit = op.step() == OperatorStep.CATCH_UP ? view.config().catchUpTimeoutMillis()
                : view.config().stepTimeoutMillis();
        long now = view.now();
        if (op.step() == OperatorStep.ROLLBACK || now - op.updated() <= limit) {
            return Optional.empty();
        }
        String why = "timed out after " + (now - op.updated()) / 1000 + " s at " + op.step().label()
                + (op.reason().isEmpty() ? "" : " (" + op.reason() + ")");
        if (op.kind() == OperatorKind.MOVE_REPLICA && op.step().undoable()) {
            return Optional.of(advance(rollback(op, why, now), view.map()));
        }
        if (op.kind() == OperatorKind.TRANSFER_LEADER
                || (op.kind() == OperatorKind.REMOVE_REPLICA && op.step() == OperatorStep.TRANSFER_AWAY)) {
            return Optional.of(advance(op.ended(OperatorStatus.FAILED, why, now), view.map()));
        }
        // Past promotion (or past a removal's first step) there is nothing to undo: keep retrying.
        return Optional.empty();
    }

    private static Operator rollback(Operator op, String why, long now) {
        Operator r = op.at(OperatorStep.ROLLBACK, now);
        return new Operator(r.id(), r.shardId(), r.kind(), r.source(), r.target(), r.status(), r.step(), why, r.origin(),
                r.mark(), r.created(), r.updated(), 0);
    }

    /**
     * A rolled-back move ends cancelled if a person asked for it, failed otherwise. The cause is kept
     * in front of the reason through the rollback's own failures and waits ({@link Operator#rollbackCause}).
     */
    private static Operator rolledBack(Operator op, long now) {
        String cause = op.rollbackCause();
        OperatorStatus end = cause.startsWith(CANCELLED_BY_ADMIN) ? OperatorStatus.CANCELLED : OperatorStatus.FAILED;
        return op.ended(end, cause, now);
    }

    private static Operator afterPromote(Operator op, long now) {
        return op.source().isEmpty() ? op.ended(OperatorStatus.DONE, "", now) : op.at(OperatorStep.TRANSFER_AWAY, now);
    }

    private static Optional<String> heir(ShardInfo s, Operator op, ClusterView view) {
        if (s.replicas().contains(op.target()) && !op.target().equals(op.source()) && view.canLead(op.target())) {
            return Optional.of(op.target());
        }
        return s.replicas().stream().filter(v -> !v.equals(op.source()) && view.canLead(v)).sorted().findFirst();
    }

    /** Empty when the live voters form a majority; otherwise what is missing. */
    private static Optional<String> majorityMissing(List<String> voters, ClusterView view) {
        int alive = view.aliveVoters(voters);
        int need = ClusterView.majority(voters.size());
        return alive >= need ? Optional.empty()
                : Optional.of("only " + alive + " of " + voters + " are up; " + need + " needed for a majority");
    }

    /** The leader's last reported applied index; 0 when unknown (a fresh replica reports -1). */
    private static long leaderApplied(ShardInfo s, ClusterView view) {
        return s.leader().isEmpty() ? 0
                : Math.max(0, view.report(s.leader(), s.id()).map(StoreReport.Replica::appliedIndex).orElse(0L));
    }

    /** The reported leader first, then the other voters, never {@code excluded} first. */
    static List<String> candidates(ShardInfo s, String excluded) {
        List<String> out = new ArrayList<>();
        if (!s.leader().isEmpty() && s.replicas().contains(s.leader()) && !s.leader().equals(excluded)) {
            out.add(s.leader());
        }
        for (String v : s.replicas().stream().sorted().toList()) {
            if (!out.contains(v) && !v.equals(excluded)) {
                out.add(v);
            }
        }
        if (!excluded.isEmpty() && s.replicas().contains(excluded)) {
            out.add(excluded);
        }
        return out;
    }

    private static List<String> plus(List<String> list, String id) {
        List<String> out = new ArrayList<>(list);
        if (!out.contains(id)) {
            out.add(id);
        }
        return out;
    }

    private static List<String> minus(List<String> list, String id) {
        List<String> out = new ArrayList<>(list);
        out.remove(id);
        return out;
    }

    private static StepOutcome.Advance advance(Operator op, PartitionMap map) {
        return new StepOutcome.Advance(op, map);
    }

    private static StepOutcome run(StepAction... actions) {
        return new StepOutcome.Run(List.of(actions));
    }
}
