package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CommandCodecProperties {

    @Property
    void entriesRoundTrip(@ForAll("commands") List<Command> commands, @ForAll long time) {
        CommandBatch batch = new CommandBatch(time, commands);
        byte[] bytes = CommandCodec.encode(batch);
        // Records hold arrays: compare through a second encoding.
        assertArrayEquals(bytes, CommandCodec.encode(CommandCodec.decodeEntry(bytes)));
        assertEquals(time, CommandCodec.decodeEntry(bytes).timeMillis());
        CommandCodec.validateEntry(new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length);
    }

    @Property
    void stampingChangesOnlyTheTime(@ForAll("commands") List<Command> commands, @ForAll long time) {
        byte[] proposal = CommandCodec.encode(new CommandBatch(0, commands));
        byte[] stamped = CommandCodec.stamp(new org.agrona.concurrent.UnsafeBuffer(proposal), 0, proposal.length, time);
        assertArrayEquals(CommandCodec.encode(new CommandBatch(time, commands)), stamped);
    }

    /** Arbitrary bytes decode or fail with MalformedMessageException: never another exception. */
    @Property(tries = 2000)
    void garbageIsRefusedCleanly(@ForAll @Size(max = 64) byte[] bytes) {
        boolean decodes;
        try {
            CommandCodec.decodeEntry(bytes);
            decodes = true;
        } catch (MalformedMessageException expected) {
            decodes = false;
        }
        boolean valid;
        try {
            CommandCodec.validateEntry(new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length);
            valid = true;
        } catch (MalformedMessageException expected) {
            valid = false;
        }
        assertEquals(decodes, valid, "validation and decoding must agree");
        try {
            CommandCodec.decodeQuery(bytes);
        } catch (MalformedMessageException expected) {
            // refused
        }
        try {
            ResultCodec.decodeResults(bytes);
        } catch (MalformedMessageException expected) {
            // refused
        }
    }

    @Property(tries = 200)
    void scanQueriesAndTheirAnswersRoundTrip(@ForAll byte[] after, @ForAll @net.jqwik.api.constraints.IntRange(min = 1) int count,
                                             @ForAll List<byte[]> keys, @ForAll boolean more) {
        Query.Scan q = (Query.Scan) CommandCodec.decodeQuery(CommandCodec.encode(new Query.Scan(after, count)));
        assertArrayEquals(after, q.after());
        assertEquals(count, q.count());
        ResultCodec.Answer.Keys a = (ResultCodec.Answer.Keys) ResultCodec.decodeAnswer(
                ResultCodec.encodeAnswer(new ResultCodec.Answer.Keys(keys, more)));
        assertEquals(keys.size(), a.keys().size());
        for (int i = 0; i < keys.size(); i++) {
            assertArrayEquals(keys.get(i), a.keys().get(i));
        }
        assertEquals(more, a.more());
    }

    /** Every truncation of a valid entry is refused. */
    @Property(tries = 200)
    void truncationsAreRefused(@ForAll("commands") List<Command> commands) {
        byte[] bytes = CommandCodec.encode(new CommandBatch(5, commands));
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThrows(MalformedMessageException.class, () -> CommandCodec.decodeEntry(cut));
            assertThrows(MalformedMessageException.class,
                    () -> CommandCodec.validateEntry(new org.agrona.concurrent.UnsafeBuffer(cut), 0, cut.length));
        }
    }

    @Test
    void unknownVersionsAndOpcodesAreRefused() {
        byte[] bytes = CommandCodec.encode(new Command.Delete(new byte[] {1}));
        bytes[0] = 2;
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> CommandCodec.decodeEntry(bytes));
        assertEquals("unknown format version 2 (this node reads 1)", e.getMessage());
        byte[] op = CommandCodec.encode(new Command.Delete(new byte[] {1}));
        op[CommandCodec.HEADER_BYTES] = 99;
        assertThrows(MalformedMessageException.class, () -> CommandCodec.decodeEntry(op));
        byte[] hugeLength = CommandCodec.encode(new Command.Delete(new byte[] {1}));
        hugeLength[CommandCodec.HEADER_BYTES + 4] = 0x7f; // key length's high byte: 2 GB claimed, 1 byte present
        assertThrows(MalformedMessageException.class, () -> CommandCodec.decodeEntry(hugeLength));
    }

    @Property
    void resultsAndAnswersRoundTrip(@ForAll("values") StoredValue value, @ForAll long a, @ForAll boolean flag) {
        List<CommandResult> results = List.of(
                new CommandResult.Written(a, 3),
                new CommandResult.Deleted(flag, a),
                new CommandResult.CasOutcome(flag, a, value),
                new CommandResult.CasOutcome(false, 0, null),
                new CommandResult.Touched(flag),
                new CommandResult.Batch(List.of(new CommandResult.Written(1, 0), new CommandResult.Touched(true))),
                new CommandResult.Expired(7),
                new CommandResult.Evicted(3, a),
                new CommandResult.SetOutcome(flag, a, value),
                new CommandResult.SetOutcome(!flag, 0, null),
                new CommandResult.Counter(a),
                new CommandResult.Length(a),
                new CommandResult.ValueOf(value),
                new CommandResult.ValueOf(null),
                new CommandResult.Rejected(ShardError.RESOURCE_EXHAUSTED, "shard 3 is full: ü"));
        assertEquals(results, ResultCodec.decodeResults(ResultCodec.encodeResults(results)));
        for (ResultCodec.Answer answer : List.of(
                new ResultCodec.Answer.Value(value),
                new ResultCodec.Answer.Value(null),
                new ResultCodec.Answer.Values(Arrays.asList(value, null, value)),
                new ResultCodec.Answer.Digest(new ShardDigest(1, a, -a), 99))) {
            assertEquals(answer, ResultCodec.decodeAnswer(ResultCodec.encodeAnswer(answer)));
        }
    }

    @Provide
    Arbitrary<StoredValue> values() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.longs(), Arbitraries.longs()).as(StoredValue::new);
    }

    @Provide
    Arbitrary<List<Command>> commands() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<Long> ttl = Arbitraries.longs().between(0, 1L << 40);
        Arbitrary<Command.Put> puts = Combinators.combine(bytes, bytes, ttl).as(Command.Put::new);
        Arbitrary<Command.Expectation> expectations = Arbitraries.oneOf(
                Arbitraries.longs().map(Command.Expectation.Version::new),
                bytes.map(Command.Expectation.Value::new),
                Arbitraries.just(new Command.Expectation.Absent()));
        Arbitrary<Command> any = Arbitraries.oneOf(
                puts.map(p -> (Command) p),
                bytes.map(Command.Delete::new),
                Combinators.combine(bytes, expectations, bytes, ttl).as(Command.CompareAndSet::new),
                Combinators.combine(bytes, ttl).as(Command.Touch::new),
                puts.list().ofMaxSize(5).map(Command.BatchPut::new),
                puts.list().ofMaxSize(5).map(Command.BatchPutIfAbsent::new),
                bytes.list().ofMaxSize(5).map(Command.BatchDelete::new),
                Combinators.combine(bytes, Arbitraries.longs()).as(Command.VersionedKey::new).list().ofMaxSize(5)
                        .map(Command.Expire::new),
                Combinators.combine(bytes, Arbitraries.longs()).as(Command.VersionedKey::new).list().ofMaxSize(5)
                        .map(Command.Evict::new),
                Combinators.combine(bytes, bytes, ttl, Arbitraries.of(true, false), Arbitraries.of(Command.Condition.class),
                        Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Command.Set::new),
                Combinators.combine(bytes, Arbitraries.longs()).as(Command.Increment::new),
                Combinators.combine(bytes, bytes).as(Command.Append::new),
                bytes.map(Command.GetAndDelete::new),
                Combinators.combine(bytes, Arbitraries.longs(), Arbitraries.of(true, false),
                        Arbitraries.of(Command.ExpiryCondition.class)).as(Command.ExpireIf::new),
                Combinators.combine(bytes, ttl, Arbitraries.of(true, false)).as(Command.GetAndTouch::new));
        Arbitrary<Command> maybeTagged = Arbitraries.oneOf(any, Combinators.combine(
                Arbitraries.longs().filter(c -> c != 0), Arbitraries.longs(), any.filter(c -> !(c instanceof Command.Expire) && !(c instanceof Command.Evict)))
                .as(Command.Tagged::new));
        return maybeTagged.list().ofMinSize(1).ofMaxSize(6);
    }
}
