package io.ringcache.chaos.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** What is written to a history file reads back as the same operation. */
class HistoryCodecProperties {

    @Property(tries = 1000)
    void everyOperationSurvivesTheRoundTrip(@ForAll("operations") Operation op) {
        assertEquals(op, HistoryCodec.decode(HistoryCodec.encode(op)));
    }

    @Test
    void aValueThatCannotBeWrittenUnambiguouslyIsRefused() {
        Operation op = new Operation(1, "k", new Operation.Call.Write("a:b"), new Operation.Outcome.Done(), 1, 2);
        assertThrows(IllegalArgumentException.class, () -> HistoryCodec.encode(op));
    }

    @Test
    void aDamagedLineIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryCodec.decode("1\tk\tjump\tdone\t1\t2"));
        assertEquals(true, e.getMessage().contains("jump"), e.getMessage());
    }

    @Provide
    Arbitrary<Operation> operations() {
        Arbitrary<String> values = Arbitraries.strings().alpha().numeric().withChars('-').ofMinLength(1).ofMaxLength(6);
        Arbitrary<String> maybe = values.injectNull(0.3);
        Arbitrary<Operation.Call> calls = Arbitraries.oneOf(Arbitraries.just(new Operation.Call.Read()),
                values.map(Operation.Call.Write::new), Arbitraries.just(new Operation.Call.Delete()),
                Combinators.combine(maybe, values).as(Operation.Call.CompareAndSet::new));
        return Combinators.combine(Arbitraries.integers().between(0, 1_000_000), values, calls,
                        maybe, Arbitraries.integers().between(0, 3), Arbitraries.longs().between(0, 1L << 50),
                        Arbitraries.longs().between(0, 1L << 40))
                .as((id, key, call, value, unknownDice, invoked, took) -> {
                    Operation.Outcome outcome = unknownDice == 0 ? new Operation.Outcome.Unknown()
                            : call instanceof Operation.Call.Read ? new Operation.Outcome.Value(value)
                            : call instanceof Operation.Call.CompareAndSet ? new Operation.Outcome.Swapped(unknownDice == 1)
                            : new Operation.Outcome.Done();
                    return new Operation(id, key, call, outcome, invoked, invoked + took);
                });
    }
}
