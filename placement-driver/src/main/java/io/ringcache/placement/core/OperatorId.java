package io.ringcache.placement.core;

/**
 * An operator's id: a number the replicated {@link PlacementState} hands out once and never again.
 * Written {@code op-N} wherever people read it (ringctl, logs, the API).
 */
public record OperatorId(long number) implements Comparable<OperatorId> {

    private static final String PREFIX = "op-";

    /** The id of an operator not yet added to the state ({@link PlacementState#withNewOperator} assigns the real one). */
    public static final OperatorId DRAFT = new OperatorId(0);

    public OperatorId {
        if (number < 0) {
            throw new IllegalArgumentException("an operator number must not be negative: " + number);
        }
    }

    /** True for {@link #DRAFT}: a planned operator (a dry run's) that was never added. */
    public boolean isDraft() {
        return number == 0;
    }

    /** Reads {@code op-N}; throws IllegalArgumentException with what was wrong. */
    public static OperatorId parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not an operator id: '" + text + "' (expected op-N, as ringctl operators lists them)");
        }
        String digits = text.substring(PREFIX.length());
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9') || digits.length() > 18) {
            throw new IllegalArgumentException("not an operator id: '" + text + "' (expected op-N, as ringctl operators lists them)");
        }
        return new OperatorId(Long.parseLong(digits));
    }

    @Override
    public int compareTo(OperatorId o) {
        return Long.compare(number, o.number);
    }

    /** {@code op-N}; empty for a draft, which has no id yet. */
    @Override
    public String toString() {
        return isDraft() ? "" : PREFIX + number;
    }
}
