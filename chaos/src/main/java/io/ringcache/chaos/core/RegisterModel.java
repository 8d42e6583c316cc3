package io.ringcache.chaos.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The sequential specification of one key: a register that is absent or holds a value, read,
 * written, deleted and compared-and-set. {@link #step} says whether an operation, applied at a
 * given state, could have returned what it returned, and the state after it.
 */
public final class RegisterModel {

    private RegisterModel() {
    }

    /**
     * The state after {@code op} runs on {@code state} (null: absent), or empty when {@code op}
     * could not have answered what it did there. An operation with an unknown outcome answers
     * anything, so it only moves the state.
     */
    public static Optional<State> step(State state, Operation op) {
        String now = state.value();
        Operation.Call call = op.call();
        Operation.Outcome outcome = op.outcome();
        if (call instanceof Operation.Call.Read) {
            boolean matches = outcome instanceof Operation.Outcome.Unknown
                    || Objects.equals(((Operation.Outcome.Value) outcome).value(), now);
            return matches ? Optional.of(state) : Optional.empty();
        }
        if (call instanceof Operation.Call.Write w) {
            return Optional.of(new State(w.value()));
        }
        if (call instanceof Operation.Call.Delete) {
            return Optional.of(State.ABSENT);
        }
        Operation.Call.CompareAndSet cas = (Operation.Call.CompareAndSet) call;
        boolean swaps = Objects.equals(cas.expected(), now);
        if (outcome instanceof Operation.Outcome.Swapped s && s.swapped() != swaps) {
            return Optional.empty();
        }
        return Optional.of(swaps ? new State(cas.next()) : state);
    }

    /** A register's content; {@code value} null means absent. */
    public record State(String value) {
        public static final State ABSENT = new State(null);
    }
}
