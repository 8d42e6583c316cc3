package io.ringcache.placement.core;

/** A change a scheduler (or an admin command) wants; becomes an {@link Operator} once admitted. */
public record Proposal(int shardId, OperatorKind kind, String source, String target, String origin) {

    public Proposal {
        source = source == null ? "" : source;
        target = target == null ? "" : target;
    }

    public Operator draft(long now) {
        return new Operator(OperatorId.DRAFT, shardId, kind, source, target, OperatorStatus.PENDING, OperatorStep.QUEUED, "", origin, 0,
                now, now, 0);
    }

    /** Whether it moves data (a replica move or removal) rather than only leadership. */
    public boolean movesReplica() {
        return kind != OperatorKind.TRANSFER_LEADER;
    }
}
