package io.ringcache.placement.app.ringctl;

import static io.ringcache.placement.app.ringctl.RingctlTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ringcache.proto.v1.OperatorStatus;
import io.ringcache.proto.v1.RebalanceRequest;
import io.ringcache.proto.v1.StoreState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The commands that change the cluster, and waiting for them. Operators advance one step per poll. */
class RingctlActionsTest {

    private static final String FAST = "--poll-interval=5ms";

    private RingctlTestSupport support;
    private FakePd pd;

    @BeforeEach
    void start() {
        support = new RingctlTestSupport();
        pd = support.serve(FakePd.imbalanced(RingctlTestSupport.address("pd")));
    }

    @AfterEach
    void stop() {
        support.close();
    }

    private RingctlTestSupport.Result ringctl(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "--pd";
        all[1] = pd.address;
        all[2] = FAST;
        System.arraycopy(args, 0, all, 3, args.length);
        return run(all);
    }

    @Test
    void rebalanceRunsThePlanUntilBalanced() {
        pd.plan = FakePd.balancingPlan();
        RingctlTestSupport.Result r = ringctl("rebalance");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("queued 5 moves:", lines.get(0));
        assertTrue(lines.get(1).matches("#\\s+ID\\s+SHARD\\s+KIND\\s+FROM\\s+TO\\s+STATUS"), lines.get(1));
        assertTrue(lines.get(2).matches("1\\s+op-1\\s+0\\s+MOVE_REPLICA\\s+s1\\s+s4\\s+PENDING"), lines.get(2));
        assertTrue(r.out().contains("rebalance: 5/5 (100%) balanced"), r.out());
        assertEquals("balanced: replicas per UP store s1=3 s2=3 s3=3 s4=3; leaders s1=1 s2=1 s3=1 s4=1",
                lines.get(lines.size() - 1));
        assertFalse(pd.received(RebalanceRequest.class).get(0).getDryRun());
        assertTrue(pd.ops.stream().allMatch(op -> op.getStatus() == OperatorStatus.OPERATOR_STATUS_DONE));
    }

    @Test
    void rebalanceJson() {
        pd.plan = FakePd.balancingPlan();
        RingctlTestSupport.Result r = ringctl("rebalance", "-o", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject(); // no progress lines in JSON
        assertEquals("balanced", o.get("result").getAsString());
        JsonArray plan = o.getAsJsonArray("plan");
        assertEquals(5, plan.size());
        assertEquals("DONE", plan.get(4).getAsJsonObject().get("status").getAsString());
        assertEquals(3, o.getAsJsonObject("balance").getAsJsonObject("replicas").get("s4").getAsInt());
    }

    @Test
    void rebalanceStopsWhenAPlanOperatorFails() {
        pd.plan = FakePd.balancingPlan();
        pd.failOnShard.put(1, "store s4 did not catch up within 30s");
        RingctlTestSupport.Result r = ringctl("rebalance");
        assertEquals(ExitCodes.REFUSED, r.code(), r.out());
        assertEquals(List.of("ringctl: rebalance blocked: operator op-2 (MOVE_REPLICA shard 1 s2->s4) failed at step "
                + "catch-up: store s4 did not catch up within 30s"), r.errLines());
    }

    @Test
    void rebalanceDryRunSubmitsNothing() {
        pd.plan = FakePd.balancingPlan();
        RingctlTestSupport.Result r = ringctl("rebalance", "--dry-run");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("plan (dry run, nothing queued): 5 moves", lines.get(0));
        assertTrue(lines.get(2).matches("1\\s+-\\s+0\\s+MOVE_REPLICA\\s+s1\\s+s4\\s+PLANNED"), lines.get(2));
        assertEquals(7, lines.size(), r.out());
        assertTrue(pd.received(RebalanceRequest.class).get(0).getDryRun());
        assertTrue(pd.ops.isEmpty());

        JsonObject o = JsonParser.parseString(ringctl("rebalance", "--dry-run", "-o", "json").out()).getAsJsonObject();
        assertTrue(o.get("dry_run").getAsBoolean());
        assertEquals(5, o.getAsJsonArray("plan").size());
        assertTrue(pd.ops.isEmpty());
    }

    @Test
    void rebalanceWithAnEmptyPlan() {
        RingctlTestSupport.Result r = ringctl("rebalance");
        assertEquals(0, r.code(), r.err());
        assertEquals("already balanced\n", r.out());
        JsonObject o = JsonParser.parseString(ringctl("rebalance", "-o", "json").out()).getAsJsonObject();
        assertEquals("already_balanced", o.get("result").getAsString());
    }

    @Test
    void rebalanceSaysWhatBlocksItWhenNoMoveBalancesFurther() {
        pd.plan = FakePd.movesOnly(); // leaves s1 leading three shards
        pd.thenPlan = List.of();
        RingctlTestSupport.Result r = ringctl("rebalance", "--timeout", "5s");
        assertEquals(ExitCodes.REFUSED, r.code(), r.out());
        assertEquals(List.of("ringctl: rebalance blocked: no move left that balances further "
                + "(replicas per UP store s1=3 s2=3 s3=3 s4=3; leaders s1=3 s2=1 s3=0 s4=0)"), r.errLines());
    }

    @Test
    void rebalancePlansAnotherRoundForLeadersLeftBehind() {
        pd.plan = FakePd.movesOnly();
        pd.thenPlan = List.of(FakePd.draft(io.ringcache.proto.v1.OperatorKind.OPERATOR_KIND_TRANSFER_LEADER, 2, "s1", "s4"),
                FakePd.draft(io.ringcache.proto.v1.OperatorKind.OPERATOR_KIND_TRANSFER_LEADER, 3, "s1", "s3"));
        RingctlTestSupport.Result r = ringctl("rebalance");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, pd.received(RebalanceRequest.class).size());
        assertTrue(r.out().contains("balanced"), r.out());
    }

    @Test
    void rebalanceTimesOutWithUnfinishedOperators() {
        pd.plan = FakePd.movesOnly();
        pd.advance = false;
        RingctlTestSupport.Result r = ringctl("rebalance", "--timeout", "100ms");
        assertEquals(ExitCodes.TIMED_OUT, r.code(), r.out());
        assertEquals(List.of("ringctl: timed out after 100ms: 3 of 3 operators unfinished (op-1 PENDING, op-2 PENDING, "
                + "op-3 PENDING)"), r.errLines());
    }

    @Test
    void rebalanceWithMaxMovesReturnsWhenThePlanIsDone() {
        pd.plan = FakePd.movesOnly();
        RingctlTestSupport.Result r = ringctl("rebalance", "--max-moves", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, pd.received(RebalanceRequest.class).get(0).getMaxMoves());
        assertTrue(r.out().contains("plan done (--max-moves 3), not balanced yet"), r.out());
    }

    @Test
    void moveReplicaPrintsTheOperator() {
        pd.advance = false;
        RingctlTestSupport.Result r = ringctl("move-replica", "0", "s1", "s4");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("created operator:", lines.get(0));
        assertTrue(lines.get(2).matches("op-1\\s+0\\s+MOVE_REPLICA\\s+s1\\s+s4\\s+PENDING\\s+-\\s+-\\s+admin\\s+0ms"), lines.get(2));
        JsonObject o = JsonParser.parseString(ringctl("move-replica", "1", "s1", "s4", "-o", "json").out()).getAsJsonObject();
        assertEquals("op-2", o.getAsJsonArray("operators").get(0).getAsJsonObject().get("id").getAsString());
    }

    @Test
    void moveReplicaWaits() {
        RingctlTestSupport.Result r = ringctl("move-replica", "0", "s1", "s4", "--wait");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("move-replica: 1/1 (100%)"), r.out());
        assertTrue(r.out().endsWith("operator op-1 (MOVE_REPLICA shard 0 s1->s4) done\n"), r.out());
        assertEquals(List.of("s2", "s3", "s4"), pd.shards.get(0).voters);

        JsonObject o = JsonParser.parseString(ringctl("move-replica", "1", "s1", "s4", "--wait", "-o", "json").out())
                .getAsJsonObject();
        assertEquals("DONE", o.getAsJsonArray("operators").get(0).getAsJsonObject().get("status").getAsString());
    }

    @Test
    void transferLeaderWaitReportsAFailure() {
        pd.failOnShard.put(0, "s2 is not caught up");
        RingctlTestSupport.Result r = ringctl("transfer-leader", "0", "s2", "--wait");
        assertEquals(ExitCodes.REFUSED, r.code(), r.out());
        assertEquals(List.of("ringctl: operator op-1 (TRANSFER_LEADER shard 0 s1->s2) failed at step catch-up: "
                + "s2 is not caught up"), r.errLines());
    }

    @Test
    void splitPrintsThePlanAndTheOperator() {
        RingctlTestSupport.Result dry = ringctl("split", "0", "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertEquals(List.of("split of shard 0: shard 4 takes 8 of the ring's 64 slots; shard 0 holds 25.00% of the "
                + "hash space, then 12.50%, shard 4 12.50%", "dry run: nothing changed"), dry.out().lines().toList());
        assertTrue(pd.ops.isEmpty(), "a dry run creates no operator");

        RingctlTestSupport.Result r = ringctl("split", "0", "--wait");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("SPLIT_SHARD"), r.out());
        assertEquals(io.ringcache.proto.v1.OperatorKind.OPERATOR_KIND_SPLIT_SHARD, pd.ops.get(0).getKind());

        RingctlTestSupport.Result unknown = ringctl("split", "99");
        assertEquals(ExitCodes.REFUSED, unknown.code());
        assertEquals(List.of("ringctl: no shard 99"), unknown.errLines());
        assertEquals(ExitCodes.USAGE, ringctl("split", "-1").code());
    }

    @Test
    void waitTimesOut() {
        pd.advance = false;
        RingctlTestSupport.Result r = ringctl("transfer-leader", "0", "s2", "--wait", "--timeout", "50ms");
        assertEquals(ExitCodes.TIMED_OUT, r.code(), r.out());
        assertEquals(List.of("ringctl: timed out after 50ms: 1 of 1 operators unfinished (op-1 PENDING)"), r.errLines());
    }

    @Test
    void transferLeaderWaits() {
        RingctlTestSupport.Result r = ringctl("transfer-leader", "0", "s2", "--wait");
        assertEquals(0, r.code(), r.err());
        assertEquals("s2", pd.shards.get(0).leader);
    }

    @Test
    void drainWaitsUntilTheStoreIsEmpty() {
        RingctlTestSupport.Result r = ringctl("drain", "s1");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("store s1 is draining", lines.get(0));
        assertTrue(lines.contains("drain s1: 0/4 (0%) 4 replicas left"), r.out());
        assertTrue(lines.contains("drain s1: 4/4 (100%) 0 replicas left"), r.out());
        assertEquals("store s1 is drained (no replicas left); remove it with 'ringctl remove-store s1'",
                lines.get(lines.size() - 1));
        assertEquals(StoreState.STORE_STATE_DRAINING, pd.stores.get("s1").getState());

        RingctlTestSupport.Result removed = ringctl("remove-store", "s1");
        assertEquals(0, removed.code(), removed.err());
        assertEquals("store s1 removed\n", removed.out());
        assertEquals(StoreState.STORE_STATE_REMOVED, pd.stores.get("s1").getState());
    }

    @Test
    void drainNoWaitAndTimeout() {
        pd.advance = false;
        RingctlTestSupport.Result r = ringctl("drain", "s2", "--no-wait");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("store s2 is draining;"), r.out());

        RingctlTestSupport.Result waited = ringctl("drain", "s3", "--timeout", "50ms", "-o", "json");
        assertEquals(ExitCodes.TIMED_OUT, waited.code());
        assertEquals("", waited.out());
        assertEquals(List.of("ringctl: timed out after 50ms: store s3 still holds 4 replicas"), waited.errLines());
    }

    @Test
    void cancel() {
        pd.advance = false;
        ringctl("move-replica", "0", "s1", "s4");
        RingctlTestSupport.Result r = ringctl("cancel", "op-1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("cancelled operator op-1\n"), r.out());
        assertTrue(r.out().contains("CANCELLED"), r.out());
        assertEquals(OperatorStatus.OPERATOR_STATUS_CANCELLED, pd.op("op-1").getStatus());

        RingctlTestSupport.Result again = ringctl("cancel", "op-1");
        assertEquals(ExitCodes.REFUSED, again.code());
        assertEquals(List.of("ringctl: operator op-1 already finished"), again.errLines());
    }

    @Test
    void waitingOnAnOperatorThatGetsCancelledFails() {
        pd.cancelOnShard.put(1, "cancelled by admin");
        RingctlTestSupport.Result r = ringctl("move-replica", "1", "s2", "s4", "--wait");
        assertEquals(ExitCodes.REFUSED, r.code(), r.out());
        assertEquals(List.of("ringctl: operator op-1 (MOVE_REPLICA shard 1 s2->s4) was cancelled: cancelled by admin"),
                r.errLines());
    }

    @Test
    void progressBarOnATerminal() {
        pd.plan = FakePd.balancingPlan();
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        RingctlTestSupport.Result r = run(new PrintStream(screen, true, StandardCharsets.UTF_8), Map.of(),
                RingctlTestSupport.IN_PROCESS, "--pd", pd.address, FAST, "rebalance");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertFalse(r.out().contains("rebalance: "), r.out()); // no plain progress lines
        String bar = screen.toString(StandardCharsets.UTF_8);
        assertTrue(bar.contains("rebalance") && bar.contains("100%") && bar.contains("5/5"), bar);
    }
}
