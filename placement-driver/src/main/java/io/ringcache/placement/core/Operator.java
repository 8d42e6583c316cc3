package io.ringcache.placement.core;

/**
 * One scheduled change to one shard, driven step by step by the PD leader. Operators live in the
 * replicated {@link PlacementState}, so a new PD leader resumes them where the old one stopped;
 * every step is idempotent for that reason.
 *
 * @param id        unique, never reused; {@link OperatorId#DRAFT} until the state assigns one
 * @param shardId   the shard it changes; at most one unfinished operator per shard
 * @param kind      what it does
 * @param source    the store losing a replica (move, remove) or leadership (transfer); may be empty
 * @param target    the store gaining a replica (move) or leadership (transfer); may be empty
 * @param status    pending, running, done, failed, cancelled
 * @param step      the step running or last run
 * @param reason    why it failed or was cancelled, or what it waits for
 * @param origin    the scheduler or command that created it
 * @param mark      the leader's applied index when catch-up began (the learner must reach it)
 * @param created   creation time, epoch millis
 * @param updated   when the current step (or the final status) began, epoch millis
 * @param attempts  failed attempts of the current step
 */
public record Operator(OperatorId id, int shardId, OperatorKind kind, String source, String target,
                       OperatorStatus status, OperatorStep step, String reason, String origin, long mark,
                       long created, long updated, int attempts) {

    public Operator {
        source = source == null ? "" : source;
        target = target == null ? "" : target;
        reason = reason == null ? "" : reason;
    }

    public boolean finished() {
        return status.finished();
    }

    /** Moves to {@code next}, clearing the attempt count and reason. */
    public Operator at(OperatorStep next, long now) {
        return new Operator(id, shardId, kind, source, target, OperatorStatus.RUNNING, next, "", origin, mark,
                created, now, 0);
    }

    public Operator withMark(long newMark) {
        return new Operator(id, shardId, kind, source, target, status, step, reason, origin, newMark, created, updated,
                attempts);
    }

    /** The current step failed and will be retried; its start time stays, so its timeout still counts. */
    public Operator failedAttempt(String why) {
        return new Operator(id, shardId, kind, source, target, status, step, keepCause(why), origin, mark, created,
                updated, attempts + 1);
    }

    /** Waiting on something outside its control (a majority, a catch-up), said in {@code why}. */
    public Operator waiting(String why) {
        String next = keepCause(why);
        return reason.equals(next) ? this
                : new Operator(id, shardId, kind, source, target, status, step, next, origin, mark, created, updated,
                        attempts);
    }

    /**
     * Why a rollback runs (a cancel or a timeout): the reason up to {@link #CAUSE_SEPARATOR}. A rollback
     * ends CANCELLED or FAILED by this cause, so failures and waits during the rollback are appended
     * after it rather than replacing it.
     */
    public String rollbackCause() {
        int i = reason.indexOf(CAUSE_SEPARATOR);
        return i < 0 ? reason : reason.substring(0, i);
    }

    /** Separates a rollback's cause from what the rollback itself waits on or failed with. */
    static final String CAUSE_SEPARATOR = " | ";

    private String keepCause(String why) {
        return step == OperatorStep.ROLLBACK ? rollbackCause() + CAUSE_SEPARATOR + why : why;
    }

    public Operator ended(OperatorStatus end, String why, long now) {
        return new Operator(id, shardId, kind, source, target, end, step, why, origin, mark, created, now, attempts);
    }

    @Override
    public String toString() {
        return id + "{shard " + shardId + " " + kind + " " + (source.isEmpty() ? "-" : source) + "->"
                + (target.isEmpty() ? "-" : target) + " " + status + "/" + step + (reason.isEmpty() ? "" : " (" + reason + ")")
                + "}";
    }
}
