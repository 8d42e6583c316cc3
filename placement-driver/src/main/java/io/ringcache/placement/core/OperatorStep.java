package io.ringcache.placement.core;

/**
 * The steps operators go through. A move: {@code ADD_LEARNER, CATCH_UP, PROMOTE}, then (with a
 * source) {@code TRANSFER_AWAY} if the source leads, {@code REMOVE_SOURCE}, {@code DROP_SOURCE}.
 * A removal starts at {@code TRANSFER_AWAY}. A leader transfer is the single step {@code TRANSFER}.
 * {@code ROLLBACK} undoes an unpromoted learner. A split is the single step {@code SPLIT}.
 */
public enum OperatorStep {
    QUEUED("queued"),
    ADD_LEARNER("add-learner"),
    CATCH_UP("catch-up"),
    PROMOTE("promote"),
    TRANSFER_AWAY("transfer-away"),
    REMOVE_SOURCE("remove-source"),
    DROP_SOURCE("drop-source"),
    TRANSFER("transfer"),
    SPLIT("split"),
    ROLLBACK("rollback");

    private final String label;

    OperatorStep(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * Until promotion has succeeded a move can still be undone (a promote whose reply was lost is
     * undone by the rollback's membership change too); after it, it can only finish.
     */
    public boolean undoable() {
        return this == QUEUED || this == ADD_LEARNER || this == CATCH_UP || this == PROMOTE;
    }

    public static OperatorStep ofLabel(String label) {
        for (OperatorStep s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown operator step " + label);
    }
}
