package io.ringcache.chaos.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The checker against the definition ({@link BruteForceChecker}) on small random histories of one
 * key, and against histories that a real register produced (always linearizable) at sizes the
 * brute force cannot reach.
 */
class LinearizabilityCheckerProperties {

    private static final List<String> VALUES = Arrays.asList("a", "b", null);

    /** One random operation: kind, arguments, answer, interval; answers are often wrong on purpose. */
    private record Draft(int kind, int value, int expected, int answer, int start, int length, boolean unknown) {
    }

    @Provide
    Arbitrary<List<Draft>> histories() {
        Arbitrary<Draft> draft = Combinators.combine(
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 12), Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(0, 5).map(n -> n == 0))
                .as(Draft::new);
        return draft.list().ofMinSize(1).ofMaxSize(7);
    }

    @Property(tries = 3000)
    void agreesWithTheDefinitionOnSmallHistories(@ForAll("histories") List<Draft> drafts) {
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            ops.add(operation(i, drafts.get(i)));
        }
        boolean expected = BruteForceChecker.linearizable(ops);
        Statistics.label("linearizable").collect(expected);
        Statistics.label("unknown outcomes").collect(ops.stream().filter(Operation::unknown).count());
        LinearizabilityChecker.Verdict verdict = LinearizabilityChecker.check(ops);
        assertEquals(expected, verdict instanceof LinearizabilityChecker.Verdict.Linearizable, () -> ops + " -> " + verdict);
    }

    /**
     * Many unknown outcomes, and values that are often never read: where the checker merges
     * unobserved values and orders unknown-outcome twins by invocation, it must still agree.
     */
    @Provide
    Arbitrary<List<Draft>> historiesWithManyUnknowns() {
        Arbitrary<Draft> draft = Combinators.combine(
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 10), Arbitraries.integers().between(0, 8),
                Arbitraries.integers().between(0, 1).map(n -> n == 0))
                .as(Draft::new);
        return draft.list().ofMinSize(2).ofMaxSize(8);
    }

    @Property(tries = 1500)
    void agreesWithTheDefinitionWhenManyOutcomesAreUnknown(@ForAll("historiesWithManyUnknowns") List<Draft> drafts) {
        agreesWithTheDefinitionOnSmallHistories(drafts);
    }

    @Property(tries = 200)
    void acceptsWhatARealRegisterAnswered(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int clients,
                                          @ForAll @IntRange(min = 1, max = 3) int keys) {
        List<Operation> history = ConcurrentRegisters.run(new Random(seed), clients, keys, 60);
        assertInstanceOf(LinearizabilityChecker.Verdict.Linearizable.class, LinearizabilityChecker.check(history),
                () -> "seed " + seed + ": " + history);
    }

    private static Operation operation(int id, Draft d) {
        String value = VALUES.get(d.value());
        Operation.Call call = switch (d.kind()) {
            case 0 -> new Operation.Call.Read();
            case 1 -> new Operation.Call.Write(value);
            case 2 -> new Operation.Call.Delete();
            default -> new Operation.Call.CompareAndSet(VALUES.get(d.expected()), value);
        };
        Operation.Outcome outcome;
        if (d.unknown()) {
            outcome = new Operation.Outcome.Unknown();
        } else if (call instanceof Operation.Call.Read) {
            outcome = new Operation.Outcome.Value(VALUES.get(d.answer()));
        } else if (call instanceof Operation.Call.CompareAndSet) {
            outcome = new Operation.Outcome.Swapped(d.answer() == 0);
        } else {
            outcome = new Operation.Outcome.Done();
        }
        return new Operation(id, "k", call, outcome, d.start(), d.start() + d.length());
    }
}
