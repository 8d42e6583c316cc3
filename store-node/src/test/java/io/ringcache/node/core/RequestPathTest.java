package io.ringcache.node.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.routing.TokenPlanner;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The request path over an in-memory host, a scripted forwarder and a manual clock: every decision, no threads. */
class RequestPathTest {

    private static final byte[] KEY = b("key");
    private static final long BUDGET = 10_000;

    /** A clock that a pause moves; pauses are recorded. */
    static final class ManualPacer implements Pacer {
        long now = 1_000;
        final List<Long> pauses = new ArrayList<>();
        Runnable onPause = () -> { };

        @Override
        public long nowMillis() {
            return now;
        }

        @Override
        public CompletableFuture<Void> after(long millis) {
            pauses.add(millis);
            now += millis;
            onPause.run();
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Answers forwarded requests from a script; records each call. */
    static final class ScriptedForwarder implements ShardForwarder {
        record Call(String storeId, String address, int shardId, ShardOp op, long budgetMillis) {
        }

        final List<Call> calls = new CopyOnWriteArrayList<>();
        final List<ShardOutcome> script = new ArrayList<>();

        @Override
        public CompletableFuture<ShardOutcome> forward(String storeId, String address, int shardId, ShardOp op,
                                                       long epoch, long budgetMillis) {
            calls.add(new Call(storeId, address, shardId, op, budgetMillis));
            return CompletableFuture.completedFuture(script.isEmpty()
                    ? new ShardOutcome.Answered(shardId, 5, 3, new ResultCodec.Answer.Value(null)) : script.remove(0));
        }
    }

    private final ManualPacer pacer = new ManualPacer();
    private final InMemoryLocalShards local = new InMemoryLocalShards("self", ShardLimits.withBudget(1 << 20), () -> 1_000);
    private final ScriptedForwarder forwarder = new ScriptedForwarder();
    private final CurrentMap currentMap = new CurrentMap();
    private final List<Integer> servedHere = new ArrayList<>();
    private final RequestPath path = new RequestPath(currentMap, local, forwarder, pacer,
            new ShardLimits(16, 1024, 1 << 20), servedHere::add);

    private static PartitionMap map(long epoch, String leader) {
        return new PartitionMap(epoch, TokenPlanner.initial(0), Map.of(0, new ShardInfo(0, List.of("self", "b"), leader, 2)),
                Map.of("self", store("self"), "b", store("b")));
    }

    private static StoreInfo store(String id) {
        return new StoreInfo(id, id + ":9000", id + ":8080", id + ":11000", Map.of(), StoreState.UP);
    }

    private static ShardOp put(String value) {
        return new ShardOp.Write(new Command.Put(KEY, b(value), 0), 16);
    }

    private static ShardOp get() {
        return new ShardOp.Read(new Query.Get(KEY), Consistency.LINEARIZABLE);
    }

    private ShardOutcome submit(ShardOp op, Routing routing) {
        return path.submit(KEY, op, routing).join();
    }

    @Test
    void servesWhatThisStoreLeadsAndReportsTheShardAndIndexes() {
        currentMap.offer(map(3, "self"));
        local.host(0, "self");
        ShardOutcome written = submit(put("v"), Routing.anyStore(BUDGET));
        assertEquals(new ShardOutcome.Applied(0, 1, 3, new CommandResult.Written(((CommandResult.Written)
                ((ShardOutcome.Applied) written).result()).version(), 0)), written);
        ShardOutcome.Answered read = (ShardOutcome.Answered) submit(get(), new Routing(3, false, BUDGET));
        assertEquals(1, read.appliedIndex(), "a read reports the index applied before it ran");
        assertArrayEquals(b("v"), ((ResultCodec.Answer.Value) read.answer()).value().value());
        assertEquals(List.of(0, 0), servedHere);
        assertTrue(pacer.pauses.isEmpty());
    }

    @Test
    void aSmartClientsRequestIsRefusedAtOnceWithTheLeaderHint() {
        currentMap.offer(map(3, "b"));
        local.host(0, "b");
        ShardOutcome out = submit(put("v"), new Routing(3, false, BUDGET));
        assertEquals(new ShardOutcome.Failed(KvFailure.NotLeader.refused(0, "b", "b:9000")), out);
        assertEquals(new ShardOutcome.Failed(new KvFailure.StaleEpoch(2, 3)), submit(put("v"), new Routing(2, false, BUDGET)));
        assertTrue(pacer.pauses.isEmpty(), "no waiting without forwarding");
        assertEquals(0, local.calls());
    }

    @Test
    void forwardsToTheLeadersStoreWithTheBudgetLeft() {
        currentMap.offer(map(3, "b"));
        ShardOp write = put("v");
        assertInstanceOf(ShardOutcome.Answered.class, submit(write, Routing.anyStore(BUDGET)));
        assertEquals(List.of(new ScriptedForwarder.Call("b", "b:9000", 0, write, BUDGET)), forwarder.calls,
                "a write that cannot be sent again waits with the whole budget");
    }

    @Test
    void aForwardThatCanBeSentAgainWaitsOneAttemptAndThenGoesToTheLeaderKnownByThen() {
        // b led when the read arrived and then stopped answering (cut off); the forward gives up
        // after one attempt, and meanwhile this store's replica has won the election.
        currentMap.offer(map(3, "b"));
        local.host(0, "b");
        forwarder.script.add(new ShardOutcome.Failed(new KvFailure.Unavailable(0, "deadline exceeded", false)));
        pacer.onPause = () -> local.host(0, "self");
        ShardOutcome out = submit(get(), Routing.anyStore(BUDGET));
        assertInstanceOf(ShardOutcome.Answered.class, out);
        assertEquals(1, forwarder.calls.size());
        assertEquals(RequestPath.FORWARD_ATTEMPT_MILLIS, forwarder.calls.get(0).budgetMillis());
        assertEquals(List.of(0), servedHere, "served here once this replica led");

        ShardOp tagged = new ShardOp.Write(new Command.Tagged(9, 1, new Command.Put(KEY, b("t"), 0)), 16);
        local.host(0, "b");
        submit(tagged, Routing.anyStore(BUDGET));
        assertEquals(RequestPath.FORWARD_ATTEMPT_MILLIS, forwarder.calls.get(1).budgetMillis(),
                "a write the shard deduplicates is sent again too, so it waits one attempt");
        assertEquals(300, path.submit(KEY, get(), Routing.anyStore(300)).thenApply(o -> forwarder.calls.get(2).budgetMillis()).join(),
                "never more than the budget left");
    }

    @Test
    void aForwardedRequestWaitsForALeaderWithinItsBudget() {
        currentMap.offer(map(3, ""));
        local.host(0, "");
        pacer.onPause = () -> {
            if (pacer.pauses.size() == 4) {
                local.host(0, "self"); // elected after the fourth pause
            }
        };
        ShardOutcome out = submit(put("v"), Routing.anyStore(BUDGET));
        assertInstanceOf(ShardOutcome.Applied.class, out);
        assertEquals(List.of(10L, 20L, 40L, 80L), pacer.pauses, "pauses double from the first");
    }

    @Test
    void aStoreWithoutAMapWaitsForOne() {
        local.host(0, "self");
        pacer.onPause = () -> currentMap.offer(map(3, "self"));
        assertInstanceOf(ShardOutcome.Applied.class, submit(put("v"), Routing.anyStore(BUDGET)));
        assertEquals(1, pacer.pauses.size());
    }

    @Test
    void aRequestHeldForALeaderGoesOnWhenAReplicaHereLearnsOfOneNotAtItsNextPause() {
        // Pauses that never end by themselves: only the news can move the request on.
        List<Long> held = new ArrayList<>();
        Pacer holding = new Pacer() {
            @Override
            public long nowMillis() {
                return 1_000;
            }

            @Override
            public CompletableFuture<Void> after(long millis) {
                held.add(millis);
                return millis == 0 ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
            }
        };
        RequestPath waiting = new RequestPath(currentMap, local, forwarder, holding, new ShardLimits(16, 1024, 1 << 20), s -> { });
        currentMap.offer(map(3, ""));
        local.host(0, ""); // a split's child, say, still electing
        CompletableFuture<ShardOutcome> out = waiting.submit(KEY, put("v"), Routing.anyStore(BUDGET));
        assertFalse(out.isDone());
        assertEquals(List.of(RequestPath.FIRST_PAUSE_MILLIS), held);

        local.host(0, "self");
        currentMap.changes().leaderChanged(0);
        assertTrue(out.isDone(), "the news alone moved the request on");
        assertInstanceOf(ShardOutcome.Applied.class, out.join());
        assertEquals(List.of(RequestPath.FIRST_PAUSE_MILLIS, 0L), held, "one hop to the pacer's thread, no further pause");
    }

    @Test
    void givesUpWhenTheBudgetIsSpentWithoutOverrunningIt() {
        currentMap.offer(map(3, ""));
        local.host(0, "");
        ShardOutcome out = submit(put("v"), Routing.anyStore(1_000));
        KvFailure.Unavailable u = (KvFailure.Unavailable) ((ShardOutcome.Failed) out).failure();
        assertTrue(u.notApplied());
        assertEquals(1_000, pacer.pauses.stream().mapToLong(Long::longValue).sum(), "pauses fill the budget exactly");
        assertTrue(pacer.pauses.stream().allMatch(p -> p <= RequestPath.MAX_PAUSE_MILLIS));
    }

    @Test
    void aWriteThatMayHaveAppliedIsNotSentAgainUnlessTheShardDeduplicatesIt() {
        currentMap.offer(map(3, "self"));
        local.host(0, "self");
        KvFailure lostLeadership = new KvFailure.NotLeader(0, "b", "", true);
        local.failNext(lostLeadership);
        assertEquals(new ShardOutcome.Failed(lostLeadership), submit(put("v"), Routing.anyStore(BUDGET)));
        assertEquals(1, local.calls());

        local.failNext(new KvFailure.Unavailable(0, "timed out", false));
        ShardOp tagged = new ShardOp.Write(new Command.Tagged(9, 1, new Command.Put(KEY, b("t"), 0)), 16);
        assertInstanceOf(ShardOutcome.Applied.class, submit(tagged, Routing.anyStore(BUDGET)));

        local.failNext(new KvFailure.Unavailable(0, "leader not ready", false));
        ShardOutcome.Answered read = (ShardOutcome.Answered) submit(get(), Routing.anyStore(BUDGET));
        assertEquals(new StoredValue(b("t"), ((ResultCodec.Answer.Value) read.answer()).value().version(), 0),
                ((ResultCodec.Answer.Value) read.answer()).value(), "reads are always sent again");
    }

    @Test
    void aKeyASplitMovedIsRoutedAgainButANamedShardsPartComesBack() {
        currentMap.offer(map(3, "self"));
        local.host(0, "self");
        KvFailure moved = new KvFailure.KeyMoved(0, "WRONG_SHARD: shard 0 gave this key's slot to shard 1");
        local.failNext(moved);
        assertInstanceOf(ShardOutcome.Applied.class, submit(put("v"), Routing.anyStore(BUDGET)),
                "by key: sent again, routed by the map of that moment");
        assertEquals(2, local.calls());

        local.failNext(moved);
        assertEquals(new ShardOutcome.Failed(moved), path.submitToShard(0, put("w"), Routing.anyStore(BUDGET)).join(),
                "a batch's part for a named shard would be refused again: the caller regroups it");
        assertEquals(3, local.calls());
    }

    @Test
    void aForwardRefusedAtConnectIsSentAgain() {
        currentMap.offer(map(3, "b"));
        forwarder.script.add(new ShardOutcome.Failed(new KvFailure.Unavailable(0, "connection refused", true)));
        forwarder.script.add(new ShardOutcome.Failed(new KvFailure.Unavailable(0, "deadline exceeded", false)));
        ShardOutcome out = submit(put("v"), Routing.anyStore(BUDGET));
        assertEquals(new ShardOutcome.Failed(new KvFailure.Unavailable(0, "deadline exceeded", false)), out,
                "the second failure may have applied: it comes back as it is");
        assertEquals(2, forwarder.calls.size());
    }

    @Test
    void aShardsRefusalIsAFailureAndBadKeysNeverLeave() {
        currentMap.offer(map(3, "self"));
        ShardLimits small = new ShardLimits(16, 1024, 64);
        InMemoryLocalShards full = new InMemoryLocalShards("self", small, () -> 1_000).host(0, "self");
        RequestPath tiny = new RequestPath(currentMap, full, forwarder, pacer, small, s -> { });
        ShardOutcome refused = tiny.submit(KEY, new ShardOp.Write(new Command.Put(KEY, new byte[200], 0), 210),
                Routing.anyStore(BUDGET)).join();
        assertEquals(new ShardOutcome.Failed(new KvFailure.ResourceExhausted(0, 64,
                ((KvFailure.ResourceExhausted) ((ShardOutcome.Failed) refused).failure()).message())), refused);
        assertEquals(new ShardOutcome.Failed(new KvFailure.KeyTooLarge(17, 16)),
                path.submit(new byte[17], get(), Routing.anyStore(BUDGET)).join());
        assertInstanceOf(KvFailure.InvalidArgument.class,
                ((ShardOutcome.Failed) path.submit(new byte[0], get(), Routing.anyStore(BUDGET)).join()).failure());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
