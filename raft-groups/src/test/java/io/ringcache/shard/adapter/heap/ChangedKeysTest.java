package io.ringcache.shard.adapter.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandBatch;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which keys {@link ShardEngine#apply(long, CommandBatch, io.ringcache.shard.core.ChangedKeys)} reports, per command kind. */
class ChangedKeysTest {

    private static final long T0 = 1_700_000_000_000L;

    private ShardEngine engine;
    private long index;

    @BeforeEach
    void setUp() {
        engine = new ShardEngine(1, new HeapShardStore(), ShardLimits.withBudget(1L << 20));
    }

    @Test
    void putReportsItsKey() {
        assertEquals(List.of("a"), apply(T0, new Command.Put(b("a"), b("1"), 0)));
    }

    @Test
    void deleteReportsAPresentKeyOnly() {
        apply(T0, new Command.Put(b("a"), b("1"), 0));
        assertEquals(List.of("a"), apply(T0, new Command.Delete(b("a"))));
        assertEquals(List.of(), apply(T0, new Command.Delete(b("a"))));
    }

    @Test
    void deleteOfAnExpiredButUnreclaimedKeyIsReported() {
        apply(T0, new Command.Put(b("a"), b("1"), 10));
        assertEquals(List.of("a"), apply(T0 + 100, new Command.Delete(b("a"))));
    }

    @Test
    void compareAndSetReportsOnlyWhenItSucceeds() {
        apply(T0, new Command.Put(b("a"), b("1"), 0));
        assertEquals(List.of(), apply(T0, new Command.CompareAndSet(b("a"),
                new Command.Expectation.Value(b("other")), b("2"), 0)));
        assertEquals(List.of(), apply(T0, new Command.CompareAndSet(b("a"),
                new Command.Expectation.Absent(), b("2"), 0)));
        assertEquals(List.of("a"), apply(T0, new Command.CompareAndSet(b("a"),
                new Command.Expectation.Value(b("1")), b("2"), 0)));
        assertEquals(List.of("n"), apply(T0, new Command.CompareAndSet(b("n"),
                new Command.Expectation.Absent(), b("x"), 0)));
    }

    @Test
    void touchReportsAPresentKeyOnly() {
        apply(T0, new Command.Put(b("a"), b("1"), 0));
        assertEquals(List.of("a"), apply(T0, new Command.Touch(b("a"), 5_000)));
        assertEquals(List.of(), apply(T0, new Command.Touch(b("absent"), 5_000)));
    }

    @Test
    void batchPutReportsEveryKeyAndNothingWhenRejected() {
        assertEquals(List.of("a", "b", "a"), apply(T0, new Command.BatchPut(List.of(
                new Command.Put(b("a"), b("1"), 0), new Command.Put(b("b"), b("2"), 0),
                new Command.Put(b("a"), b("3"), 0)))));
        assertEquals(List.of(), apply(T0, new Command.BatchPut(List.of(
                new Command.Put(b("c"), b("1"), 0), new Command.Put(new byte[0], b("2"), 0)))));
    }

    @Test
    void batchDeleteReportsThePresentKeys() {
        apply(T0, new Command.Put(b("a"), b("1"), 0));
        apply(T0, new Command.Put(b("b"), b("1"), 0));
        assertEquals(List.of("a", "b"), apply(T0, new Command.BatchDelete(List.of(b("a"), b("x"), b("b")))));
    }

    @Test
    void expireReportsTheKeysItReclaims() {
        apply(T0, new Command.Put(b("a"), b("1"), 10));
        apply(T0, new Command.Put(b("b"), b("1"), 10));
        List<Command.Expire> plan = engine.planExpiry(T0 + 1_000, 100, 100);
        assertEquals(1, plan.size());
        // Rewritten meanwhile: keeps its new version, so its expiry does nothing and is not reported.
        apply(T0 + 1_000, new Command.Put(b("b"), b("2"), 0));
        assertEquals(List.of("a"), apply(T0 + 1_000, plan.get(0)));
    }

    @Test
    void aTaggedWriteReportsOnceAndItsRetryNothing() {
        Command put = new Command.Tagged(7, 1, new Command.Put(b("a"), b("1"), 0));
        assertEquals(List.of("a"), apply(T0, put));
        assertEquals(List.of(), apply(T0, put));
    }

    @Test
    void rejectedWritesReportNothing() {
        assertEquals(List.of(), apply(T0, new Command.Put(new byte[0], b("1"), 0)));
        assertEquals(List.of(), apply(T0, new Command.Put(b("a"), b("1"), -1)));
        assertEquals(List.of(), apply(T0, new Command.Put(b("a"), new byte[2 << 20], 0)));
    }

    @Test
    void severalCommandsOfOneEntryReportInOrder() {
        List<String> seen = new ArrayList<>();
        engine.apply(++index, new CommandBatch(T0, List.of(new Command.Put(b("x"), b("1"), 0),
                new Command.Delete(b("x")), new Command.Put(b("y"), b("1"), 0))), k -> seen.add(s(k)));
        assertEquals(List.of("x", "x", "y"), seen);
    }

    @Test
    void withoutASinkNothingIsReportedAndApplyWorksAsBefore() {
        engine.apply(++index, new CommandBatch(T0, List.of(new Command.Put(b("a"), b("1"), 0))));
        assertEquals(List.of("a"), apply(T0, new Command.Delete(b("a"))));
    }

    private List<String> apply(long time, Command command) {
        List<String> seen = new ArrayList<>();
        engine.apply(++index, new CommandBatch(time, List.of(command)), k -> seen.add(s(k)));
        return seen;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
