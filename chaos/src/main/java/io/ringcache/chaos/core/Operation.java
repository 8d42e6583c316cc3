package io.ringcache.chaos.core;

import java.util.Objects;

/**
 * One client operation on one key, as a history records it: what was asked, when it was invoked,
 * and when and how it returned. Times are any monotonic clock shared by the history's clients
 * (nanoseconds of one JVM, or a logical counter); only their order matters.
 *
 * <p>An operation whose outcome is unknown (the client timed out, the connection broke) has
 * {@link Outcome.Unknown} and returned at {@link #NEVER}: it may have taken effect once at any
 * moment after its invocation, or never.
 *
 * @param id         unique within the history
 * @param invokedAt  when the client sent it
 * @param returnedAt when the client got its answer; {@link #NEVER} for an unknown outcome
 */
public record Operation(int id, String key, Call call, Outcome outcome, long invokedAt, long returnedAt) {

    /** The return time of an operation whose outcome is unknown: after everything else. */
    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(outcome, "outcome");
        if (outcome instanceof Outcome.Unknown) {
            returnedAt = NEVER;
        }
        if (returnedAt < invokedAt) {
            throw new IllegalArgumentException("operation " + id + " returned (" + returnedAt + ") before it was invoked ("
                    + invokedAt + ")");
        }
        boolean fits = outcome instanceof Outcome.Unknown
                || call instanceof Call.Read && outcome instanceof Outcome.Value
                || (call instanceof Call.Write || call instanceof Call.Delete) && outcome instanceof Outcome.Done
                || call instanceof Call.CompareAndSet && outcome instanceof Outcome.Swapped;
        if (!fits) {
            throw new IllegalArgumentException("operation " + id + ": " + call + " cannot answer " + outcome);
        }
    }

    /** True when the operation's outcome is unknown. */
    public boolean unknown() {
        return outcome instanceof Outcome.Unknown;
    }

    /** What the client asked of the key. A null value stands for "absent". */
    public sealed interface Call {
        record Read() implements Call {
        }

        record Write(String value) implements Call {
            public Write {
                Objects.requireNonNull(value, "value");
            }
        }

        record Delete() implements Call {
        }

        /** Writes {@code next} if the key holds {@code expected} (null: if the key is absent). */
        record CompareAndSet(String expected, String next) implements Call {
            public CompareAndSet {
                Objects.requireNonNull(next, "next");
            }
        }
    }

    /** What the client was told. */
    public sealed interface Outcome {
        /** A read's answer; null: the key was absent. */
        record Value(String value) implements Outcome {
        }

        /** A write or delete acknowledged. */
        record Done() implements Outcome {
        }

        /** A compare-and-set's answer. */
        record Swapped(boolean swapped) implements Outcome {
        }

        /** No answer: it may or may not have taken effect. */
        record Unknown() implements Outcome {
        }
    }
}
