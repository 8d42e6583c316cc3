package io.ringcache.chaos.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker on the histories a fault suite has to tell apart. */
class LinearizabilityCheckerTest {

    private int ids;

    @Test
    void aReadAfterAnAcknowledgedWriteThatMissesItIsAStaleRead() {
        List<Operation> h = List.of(write("k", "a", 0, 10), read("k", null, 20, 30));
        LinearizabilityChecker.Verdict.Violation v = assertInstanceOf(LinearizabilityChecker.Verdict.Violation.class,
                LinearizabilityChecker.check(h));
        assertEquals("k", v.key());
        assertEquals(2, v.operations().size());
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeEitherValue() {
        for (String seen : new String[] {null, "a"}) {
            List<Operation> h = List.of(write("k", "a", 0, 10), read("k", seen, 5, 15));
            assertInstanceOf(LinearizabilityChecker.Verdict.Linearizable.class, LinearizabilityChecker.check(h), "saw " + seen);
        }
    }

    @Test
    void readsMustNotGoBackInTime() {
        // Two reads during one write: once one has seen the new value, a later one cannot see the old.
        List<Operation> h = List.of(write("k", "a", 0, 100), read("k", "a", 10, 20), read("k", null, 30, 40));
        assertInstanceOf(LinearizabilityChecker.Verdict.Violation.class, LinearizabilityChecker.check(h));
    }

    @Test
    void aWriteWithoutAnAnswerMayHaveTakenEffectOrNot() {
        Operation lost = new Operation(ids++, "k", new Operation.Call.Write("a"), new Operation.Outcome.Unknown(), 0, 0);
        assertInstanceOf(LinearizabilityChecker.Verdict.Linearizable.class,
                LinearizabilityChecker.check(List.of(lost, read("k", "a", 50, 60))), "it took effect");
        assertInstanceOf(LinearizabilityChecker.Verdict.Linearizable.class,
                LinearizabilityChecker.check(List.of(lost, read("k", null, 50, 60))), "it never did");
        assertInstanceOf(LinearizabilityChecker.Verdict.Violation.class,
                LinearizabilityChecker.check(List.of(lost, read("k", "a", 50, 60), read("k", null, 70, 80))),
                "but not both: once seen it stays");
    }

    @Test
    void aCompareAndSetMustAnswerWhatTheValueWas() {
        Operation cas = new Operation(ids++, "k", new Operation.Call.CompareAndSet("a", "b"),
                new Operation.Outcome.Swapped(true), 20, 30);
        assertInstanceOf(LinearizabilityChecker.Verdict.Linearizable.class,
                LinearizabilityChecker.check(List.of(write("k", "a", 0, 10), cas, read("k", "b", 40, 50))));
        Operation wrong = new Operation(ids++, "k", new Operation.Call.CompareAndSet("a", "b"),
                new Operation.Outcome.Swapped(true), 20, 30);
        assertInstanceOf(LinearizabilityChecker.Verdict.Violation.class,
                LinearizabilityChecker.check(List.of(write("k", "c", 0, 10), wrong)), "it swapped a value that was not there");
    }

    @Test
    void keysAreCheckedOnTheirOwnAndTheViolationNamesItsKey() {
        List<Operation> h = new ArrayList<>();
        h.add(write("good", "a", 0, 10));
        h.add(read("good", "a", 20, 30));
        h.add(write("bad", "x", 0, 10));
        h.add(read("bad", "y", 20, 30));
        LinearizabilityChecker.Verdict.Violation v = assertInstanceOf(LinearizabilityChecker.Verdict.Violation.class,
                LinearizabilityChecker.check(h));
        assertEquals("bad", v.key());
    }

    @Test
    void aSearchPastItsBudgetSaysItIsUndecided() {
        List<Operation> h = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            h.add(write("k", "v" + i, 0, 100));
        }
        h.add(read("k", "nobody wrote this", 200, 300));
        assertInstanceOf(LinearizabilityChecker.Verdict.Undecided.class, LinearizabilityChecker.check(h, 50));
        assertInstanceOf(LinearizabilityChecker.Verdict.Violation.class, LinearizabilityChecker.check(h));
    }

    @Test
    void malformedHistoriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Operation(1, "k", new Operation.Call.Read(),
                new Operation.Outcome.Value("a"), 10, 5));
        assertThrows(IllegalArgumentException.class, () -> new Operation(1, "k", new Operation.Call.Read(),
                new Operation.Outcome.Done(), 0, 5));
        Operation once = read("k", null, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> LinearizabilityChecker.check(List.of(once, once)));
    }

    private Operation write(String key, String value, long invoked, long returned) {
        return new Operation(ids++, key, new Operation.Call.Write(value), new Operation.Outcome.Done(), invoked, returned);
    }

    private Operation read(String key, String value, long invoked, long returned) {
        return new Operation(ids++, key, new Operation.Call.Read(), new Operation.Outcome.Value(value), invoked, returned);
    }
}
