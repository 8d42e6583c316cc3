package io.ringcache.chaos.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a history of operations on keys is linearizable: whether each operation can be
 * given one instant between its invocation and its return such that, taken in that order, every
 * answer is what {@link RegisterModel} would give.
 *
 * <p>Linearizability is local (Herlihy and Wing): a history is linearizable exactly when each
 * key's sub-history is, so each key is checked on its own. Per key the search is Wing and Gong's,
 * with Lowe's memoisation (the approach of Knossos and Porcupine, written here for this model):
 * walk the invocations and returns in time order; at an invocation, try to linearize that
 * operation now (the model accepts its answer, and this set of linearized operations has not been
 * reached in this state before), else look further; at a return whose operation is not yet
 * linearized, undo the last choice. The memo of (linearized set, state) pairs bounds the search by
 * the distinct configurations rather than the orders.
 *
 * <p>Unknown outcomes: a read that got no answer constrains nothing and is left out. A write,
 * delete or compare-and-set that got no answer may have taken effect once at any instant after its
 * invocation, or never; it is checked as returning after everything else, which covers both,
 * because nothing observes the key after the last instant.
 *
 * <p>Pure and single-threaded. A search can grow exponentially on adversarial histories; it gives
 * up after {@code maxConfigurations} and says so rather than running unbounded.
 */
public final class LinearizabilityChecker {

    /** The search budget per key when none is given. */
    public static final int DEFAULT_MAX_CONFIGURATIONS = 5_000_000;

    private LinearizabilityChecker() {
    }

    /** The verdict on a whole history. */
    public sealed interface Verdict {
        /** Every key's history is linearizable. */
        record Linearizable(int keys, int operations) implements Verdict {
        }

        /** {@code key}'s history is not; {@code operations} is that key's history, in invocation order. */
        record Violation(String key, List<Operation> operations) implements Verdict {
        }

        /** The search for {@code key} gave up after its budget: neither shown nor refuted. */
        record Undecided(String key, int configurations) implements Verdict {
        }
    }

    public static Verdict check(List<Operation> history) {
        return check(history, DEFAULT_MAX_CONFIGURATIONS);
    }

    /** Checks every key; the first violation (or undecided key), in the order keys first appear, is the verdict. */
    public static Verdict check(List<Operation> history, int maxConfigurations) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        Set<Integer> ids = new HashSet<>();
        for (Operation op : history) {
            if (!ids.add(op.id())) {
                throw new IllegalArgumentException("operation id " + op.id() + " appears twice");
            }
            if (op.unknown() && op.call() instanceof Operation.Call.Read) {
                continue;
            }
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
            KeySearch search = new KeySearch(withUnobservedValuesMerged(e.getValue()), maxConfigurations);
            Optional<Boolean> ok = search.run();
            if (ok.isEmpty()) {
                return new Verdict.Undecided(e.getKey(), search.configurations.size());
            }
            if (!ok.get()) {
                List<Operation> ops = new ArrayList<>(e.getValue());
                ops.sort(Comparator.comparingLong(Operation::invokedAt));
                return new Verdict.Violation(e.getKey(), List.copyOf(ops));
            }
        }
        return new Verdict.Linearizable(byKey.size(), history.size());
    }

    /**
     * The value every unobserved write is rewritten to. Not a value any client writes: clients' values
     * never hold a NUL character.
     */
    static final String UNOBSERVED = "\u0000unobserved";

    /**
     * The same key's history with every write whose value nobody observed (no read returned it, no
     * compare-and-set expected it) rewritten to write {@link #UNOBSERVED}. Exact, not an
     * approximation: no operation can tell two unobserved values apart, or one from the other
     * (reads never return them, a compare-and-set fails against any of them alike), so a history
     * is linearizable exactly when its rewrite is. What it buys: states that differ only in an
     * unobserved value become one state for the memo, and unknown-outcome writes become twins that
     * the search may order by invocation (see {@link KeySearch}).
     */
    static List<Operation> withUnobservedValuesMerged(List<Operation> ops) {
        Set<String> observed = new HashSet<>();
        for (Operation op : ops) {
            if (op.outcome() instanceof Operation.Outcome.Value v && v.value() != null) {
                observed.add(v.value());
            }
            if (op.call() instanceof Operation.Call.CompareAndSet c && c.expected() != null) {
                observed.add(c.expected());
            }
        }
        List<Operation> merged = new ArrayList<>(ops.size());
        for (Operation op : ops) {
            if (op.call() instanceof Operation.Call.Write w && !observed.contains(w.value())) {
                merged.add(new Operation(op.id(), op.key(), new Operation.Call.Write(UNOBSERVED), op.outcome(), op.invokedAt(),
                        op.returnedAt()));
            } else {
                merged.add(op);
            }
        }
        return merged;
    }

    /**
     * One key's search over a doubly linked list of events (dancing links): linearizing an
     * operation lifts its invocation and return out of the list; undoing puts them back where
     * they were, which is exact because undoing runs in the reverse order of lifting.
     */
    private static final class KeySearch {

        private static final class Event {
            final Operation op;
            final int index;
            final boolean invocation;
            final long time;
            Event match;
            Event prev;
            Event next;

            Event(Operation op, int index, boolean invocation, long time) {
                this.op = op;
                this.index = index;
                this.invocation = invocation;
                this.time = time;
            }
        }

        private record Configuration(BitSet linearized, RegisterModel.State state) {
        }

        private record Choice(Event invocation, RegisterModel.State before) {
        }

        private final Event head = new Event(null, -1, false, Long.MIN_VALUE);
        /**
         * For an unknown-outcome operation, the index of its previous twin (the latest operation
         * invoked before it with the same call and an unknown outcome too), else -1. Twins differ
         * only in when they were invoked, and neither ever returned; once both are invoked,
         * linearizing one or the other leads to the same futures. So the search linearizes twins
         * only in invocation order: an operation waits while its previous twin is not linearized.
         * That cuts the orders of k pending twins from k! (and their subsets) to k + 1.
         */
        private final int[] previousTwin;
        private final int maxConfigurations;
        final Set<Configuration> configurations = new HashSet<>();

        KeySearch(List<Operation> ops, int maxConfigurations) {
            this.maxConfigurations = maxConfigurations;
            this.previousTwin = twins(ops);
            List<Event> events = new ArrayList<>(2 * ops.size());
            for (int i = 0; i < ops.size(); i++) {
                Operation op = ops.get(i);
                Event call = new Event(op, i, true, op.invokedAt());
                Event ret = new Event(op, i, false, op.returnedAt());
                call.match = ret;
                ret.match = call;
                events.add(call);
                events.add(ret);
            }
            // Time order; at equal times invocations first, so operations that touch at an
            // instant count as concurrent (the permissive reading of "a returned before b began").
            events.sort(Comparator.comparingLong((Event e) -> e.time).thenComparing(e -> !e.invocation));
            Event last = head;
            for (Event e : events) {
                last.next = e;
                e.prev = last;
                last = e;
            }
        }

        /** True: linearizable; false: not; empty: the budget ran out first. */
        Optional<Boolean> run() {
            BitSet linearized = new BitSet();
            RegisterModel.State state = RegisterModel.State.ABSENT;
            Deque<Choice> choices = new ArrayDeque<>();
            Event entry = head.next;
            while (head.next != null) {
                if (entry.invocation && previousTwin[entry.index] >= 0 && !linearized.get(previousTwin[entry.index])) {
                    entry = entry.next;
                } else if (entry.invocation) {
                    Optional<RegisterModel.State> after = RegisterModel.step(state, entry.op);
                    if (after.isPresent()) {
                        BitSet with = (BitSet) linearized.clone();
                        with.set(entry.index);
                        if (configurations.add(new Configuration(with, after.get()))) {
                            if (configurations.size() > maxConfigurations) {
                                return Optional.empty();
                            }
                            choices.push(new Choice(entry, state));
                            state = after.get();
                            linearized.set(entry.index);
                            lift(entry);
                            entry = head.next;
                            continue;
                        }
                    }
                    entry = entry.next;
                } else {
                    // An operation returned and none of the orders tried so far placed it before
                    // this point: undo the latest choice and try the next candidate after it.
                    if (choices.isEmpty()) {
                        return Optional.of(false);
                    }
                    Choice undo = choices.pop();
                    state = undo.before();
                    linearized.clear(undo.invocation().index);
                    unlift(undo.invocation());
                    entry = undo.invocation().next;
                }
            }
            return Optional.of(true);
        }

        private static int[] twins(List<Operation> ops) {
            int[] previous = new int[ops.size()];
            java.util.Arrays.fill(previous, -1);
            Map<Operation.Call, Integer> latest = new java.util.HashMap<>();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingLong((Integer i) -> ops.get(i).invokedAt()).thenComparingInt(i -> i));
            for (int i : order) {
                Operation op = ops.get(i);
                if (op.unknown()) {
                    Integer before = latest.put(op.call(), i);
                    previous[i] = before == null ? -1 : before;
                }
            }
            return previous;
        }

        private static void lift(Event call) {
            remove(call);
            remove(call.match);
        }

        private static void unlift(Event call) {
            restore(call.match);
            restore(call);
        }

        private static void remove(Event e) {
            e.prev.next = e.next;
            if (e.next != null) {
                e.next.prev = e.prev;
            }
        }

        private static void restore(Event e) {
            e.prev.next = e;
            if (e.next != null) {
                e.next.prev = e;
            }
        }
    }
}
