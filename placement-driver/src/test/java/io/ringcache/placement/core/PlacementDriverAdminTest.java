package io.ringcache.placement.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.placement.adapter.memory.InMemoryPlacementLog;
import io.ringcache.routing.TokenPlanner;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin rules of {@link PlacementDriver}: what is refused, cancel semantics, rebalance. */
class PlacementDriverAdminTest {

    static final SchedulingConfig CONFIG = SchedulingConfig.defaults(8).withAutoBalance(false);

    InMemoryPlacementLog log;
    PlacementDriver pd;
    SimCluster sim;
    long now = 1_000_000;

    /** Stores s1..s3, 8 shards with a replica on each (leaders spread), heard just now; s4 and s5 exist in the sim only. */
    @BeforeEach
    void cluster() throws IOException {
        sim = new SimCluster(new Random(7), 0);
        Map<String, StoreInfo> stores = new TreeMap<>();
        for (String id : List.of("s1", "s2", "s3")) {
            stores.put(id, sim.addStore(id, "").info());
        }
        Map<Integer, ShardInfo> shards = new TreeMap<>();
        int[] ids = new int[8];
        List<String> voters = List.of("s1", "s2", "s3");
        for (int i = 0; i < 8; i++) {
            ids[i] = i;
            shards.put(i, new ShardInfo(i, voters, voters.get(i % 3), 1));
        }
        PartitionMap map = new PartitionMap(1, TokenPlanner.initial(ids), shards, stores);
        log = new InMemoryPlacementLog(new PlacementState(1, map, Map.of(), 1));
        pd = new PlacementDriver(log, CONFIG);
        pd.takeOver(now);
        sim.createGroups(map, new HashMap<>());
        run(2);
    }

    // ---- moves and transfers ----

    @Test
    void moveToAMemberIsRefused() {
        assertThrows(IllegalStateException.class, () -> pd.moveReplica(0, "s1", "s2", now));
    }

    @Test
    void badIdsAreIllegalArguments() {
        assertThrows(IllegalArgumentException.class, () -> pd.moveReplica(0, "s1", "s9", now));
        assertThrows(IllegalArgumentException.class, () -> pd.moveReplica(0, "s9", "s1", now));
        assertThrows(IllegalArgumentException.class, () -> pd.moveReplica(99, "s1", "s2", now));
        assertThrows(IllegalArgumentException.class, () -> pd.transferLeader(0, "s9", now));
        assertThrows(IllegalArgumentException.class, () -> pd.cancel(OperatorId.parse("op-404"), now));
        assertThrows(IllegalArgumentException.class, () -> pd.drain("s9", now));
        assertThrows(IllegalArgumentException.class, () -> pd.removeStore("s9", now));
    }

    @Test
    void moveFromANonVoterIsRefused() throws IOException {
        join("s4");
        assertThrows(IllegalArgumentException.class, () -> pd.moveReplica(0, "s4", "s1", now));
    }

    @Test
    void moveOnABusyShardIsRefused() throws IOException {
        join("s4");
        join("s5");
        Operator first = pd.moveReplica(0, "s1", "s4", now);
        assertEquals(OperatorStatus.PENDING, first.status());
        assertThrows(IllegalStateException.class, () -> pd.moveReplica(0, "s2", "s5", now));
        assertThrows(IllegalStateException.class, () -> pd.transferLeader(0, "s2", now));
    }

    @Test
    void moveToASilentStoreIsRefused() throws IOException {
        join("s4");
        sim.stores.get("s4").alive = false;
        run(12); // past the down time
        assertThrows(IllegalStateException.class, () -> pd.moveReplica(0, "s1", "s4", now));
    }

    @Test
    void transferPreconditions() {
        assertThrows(IllegalStateException.class, () -> pd.transferLeader(0, leaderOf(0), now));
    }

    // ---- drain and remove ----

    @Test
    void drainIsRefusedWhenTooFewStoresRemain() throws IOException {
        assertThrows(IllegalStateException.class, () -> pd.drain("s1", now));
        join("s4");
        pd.drain("s1", now);
        assertEquals(StoreState.DRAINING, log.current().map().stores().get("s1").state());
        assertThrows(IllegalStateException.class, () -> pd.drain("s2", now));
        pd.drain("s1", now); // idempotent
    }

    @Test
    void removeIsRefusedWhileTheStoreHoldsReplicasAndAllowedOnceDrained() throws IOException {
        join("s4");
        assertThrows(IllegalStateException.class, () -> pd.removeStore("s1", now));
        pd.drain("s1", now);
        runUntil(() -> log.current().map().shardsOn("s1").isEmpty() && log.current().active().isEmpty(), 600);
        pd.removeStore("s1", now);
        assertEquals(StoreState.REMOVED, log.current().map().stores().get("s1").state());
        pd.removeStore("s1", now); // idempotent
        assertThrows(IllegalArgumentException.class, () -> pd.register(sim.stores.get("s1").info(), now));
        assertThrows(IllegalArgumentException.class, () -> pd.heartbeat(new StoreReport("s1", Map.of()), now));
        assertThrows(IllegalStateException.class, () -> pd.drain("s1", now));
        for (ShardInfo s : log.current().map().shards().values()) {
            assertEquals(Set.of("s2", "s3", "s4"), Set.copyOf(s.replicas()));
        }
    }

    @Test
    void removeIsRefusedWhileAMoveTargetsTheStore() throws IOException {
        join("s4");
        Operator op = pd.moveReplica(0, "s1", "s4", now);
        assertTrue(log.current().map().shardsOn("s4").isEmpty());
        assertThrows(IllegalStateException.class, () -> pd.removeStore("s4", now));
        pd.cancel(op.id(), now);
        pd.removeStore("s4", now);
    }

    // ---- cancel ----

    @Test
    void cancellingAPendingOperatorEndsItAtOnce() throws IOException {
        join("s4");
        Operator op = pd.moveReplica(0, "s1", "s4", now);
        Operator after = pd.cancel(op.id(), now);
        assertEquals(OperatorStatus.CANCELLED, after.status());
        assertThrows(IllegalStateException.class, () -> pd.cancel(op.id(), now));
        assertTrue(log.current().active().isEmpty());
    }

    @Test
    void cancellingAMoveBeforePromotionRollsItBack() throws IOException {
        join("s4");
        Operator op = pd.moveReplica(0, "s1", "s4", now);
        execute(pd.tick(now)); // add-learner runs and succeeds
        assertEquals(OperatorStep.CATCH_UP, op(op.id()).step());
        assertTrue(log.current().map().shards().get(0).learners().contains("s4"));

        Operator rolling = pd.cancel(op.id(), now);
        assertEquals(OperatorStatus.RUNNING, rolling.status());
        assertEquals(OperatorStep.ROLLBACK, rolling.step());
        assertThrows(IllegalStateException.class, () -> pd.cancel(op.id(), now));

        runUntil(() -> op(op.id()).finished(), 20);
        assertEquals(OperatorStatus.CANCELLED, op(op.id()).status());
        ShardInfo s = log.current().map().shards().get(0);
        assertEquals(List.of("s1", "s2", "s3"), s.replicas());
        assertTrue(s.learners().isEmpty());
        assertTrue(sim.groups.get(0).learners.isEmpty());
        assertFalse(sim.stores.get("s4").hosted.containsKey(0));
    }

    /** Regression: a failed call during the rollback used to replace the reason, so it ended FAILED. */
    @Test
    void aCancelledRollbackWhoseCallFailsStillEndsCancelled() throws IOException {
        join("s4");
        Operator op = pd.moveReplica(0, "s1", "s4", now);
        execute(pd.tick(now));
        pd.cancel(op.id(), now);
        List<StepTask> tasks = pd.tick(now);
        assertEquals(1, tasks.size());
        pd.taskFailed(tasks.get(0), "connection reset", now);
        assertTrue(op(op.id()).reason().startsWith("cancelled by an operator"), op(op.id()).reason());
        assertTrue(op(op.id()).reason().contains("connection reset"));
        runUntil(() -> op(op.id()).finished(), 40);
        assertEquals(OperatorStatus.CANCELLED, op(op.id()).status());
        assertEquals("cancelled by an operator", op(op.id()).reason());
    }

    @Test
    void cancellingAMovePastPromotionIsRefused() throws IOException {
        join("s4");
        Operator op = pd.moveReplica(0, "s1", "s4", now);
        boolean checked = false;
        for (int i = 0; i < 200 && !checked; i++) {
            tick();
            Operator cur = op(op.id());
            if (!cur.finished() && Set.of(OperatorStep.TRANSFER_AWAY, OperatorStep.REMOVE_SOURCE,
                    OperatorStep.DROP_SOURCE).contains(cur.step())) {
                assertThrows(IllegalStateException.class, () -> pd.cancel(op.id(), now));
                checked = true;
            }
        }
        assertTrue(checked, "never saw the move past promotion: " + op(op.id()));
        runUntil(() -> op(op.id()).finished(), 100);
        assertEquals(OperatorStatus.DONE, op(op.id()).status());
    }

    @Test
    void cancellingATransferEndsItAtOnce() throws IOException {
        String to = leaderOf(0).equals("s2") ? "s3" : "s2";
        Operator op = pd.transferLeader(0, to, now);
        pd.tick(now); // admitted; its call is out
        assertEquals(OperatorStatus.CANCELLED, pd.cancel(op.id(), now).status());
    }

    // ---- rebalance ----

    @Test
    void rebalanceDryRunCreatesNothing() throws IOException {
        join("s4");
        PlacementState before = log.current();
        List<Operator> plan = pd.rebalance(0, true, now);
        assertFalse(plan.isEmpty());
        assertTrue(plan.stream().allMatch(o -> o.origin().equals("rebalance") && o.id().isDraft()));
        assertEquals(before.revision(), log.current().revision());
        assertEquals(before.operators(), log.current().operators());
        assertEquals(2, pd.rebalance(2, true, now).size());
    }

    /**
     * With auto-balance off, rebalance rounds (plan, run, repeat) converge. One round is not
     * enough here: a plan puts one operator per shard, and a moved shard's leadership follows the
     * move to the new store, so its leader counts are evened out by the next round.
     */
    @Test
    void rebalanceAfterAddingAnEmptyStoreConverges() throws IOException {
        join("s4");
        assertFalse(pd.balanced(now));
        int rounds = 0;
        while (!pd.balanced(now)) {
            rounds++;
            assertTrue(rounds <= 3, "not balanced after 3 rebalance rounds");
            List<Operator> queued = pd.rebalance(0, false, now);
            assertFalse(queued.isEmpty(), "unbalanced but nothing planned");
            assertTrue(queued.stream().allMatch(o -> o.status() == OperatorStatus.PENDING));
            runUntil(() -> log.current().active().isEmpty(), 600);
        }
        assertBalancedOnFourStores();
    }

    /** With auto-balance on, one rebalance (and the schedulers after it) gets there. */
    @Test
    void rebalanceWithAutoBalanceConverges() throws IOException {
        pd = new PlacementDriver(log, CONFIG.withAutoBalance(true));
        pd.takeOver(now);
        join("s4");
        assertFalse(pd.rebalance(0, false, now).isEmpty());
        runUntil(() -> pd.balanced(now), 600);
        assertBalancedOnFourStores();
    }

    void assertBalancedOnFourStores() throws IOException {
        assertTrue(log.current().operators().values().stream().allMatch(o -> o.status() == OperatorStatus.DONE),
                () -> "" + log.current().operators().values());
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, Integer> leaders = new TreeMap<>();
        for (ShardInfo s : log.current().map().shards().values()) {
            assertEquals(3, s.replicas().size());
            s.replicas().forEach(r -> counts.merge(r, 1, Integer::sum));
            leaders.merge(s.leader(), 1, Integer::sum);
            assertEquals(Set.copyOf(s.replicas()), Set.copyOf(sim.groups.get(s.id()).voters));
            assertEquals(s.leader(), sim.groups.get(s.id()).leader);
        }
        assertEquals(4, counts.size());
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int min = counts.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        assertTrue(max - min <= 1, counts::toString);
        assertTrue(leaders.values().stream().allMatch(n -> n <= 3), leaders::toString);
        assertTrue(pd.rebalance(0, true, now).isEmpty());
    }

    // ---- helpers ----

    String leaderOf(int shard) {
        return log.current().map().shards().get(shard).leader();
    }

    Operator op(OperatorId id) {
        return log.current().operators().get(id);
    }

    void join(String id) throws IOException {
        pd.register(sim.addStore(id, "").info(), now);
        pd.heartbeat(sim.report(id), now);
    }

    void execute(List<StepTask> tasks) throws IOException {
        for (StepTask t : tasks) {
            String err = null;
            for (StepAction a : t.actions()) {
                err = sim.execute(a);
                if (err != null) {
                    break;
                }
            }
            if (err == null) {
                pd.taskSucceeded(t, now);
            } else {
                pd.taskFailed(t, err, now);
            }
        }
    }

    /** Half a second: Raft progress, heartbeats, a driver tick and its calls. */
    void tick() throws IOException {
        now += 500;
        sim.step();
        for (SimCluster.Store s : sim.stores.values()) {
            if (s.alive && !s.removed) {
                pd.heartbeat(sim.report(s.id), now);
            }
        }
        execute(pd.tick(now));
    }

    void run(int ticks) throws IOException {
        for (int i = 0; i < ticks; i++) {
            tick();
        }
    }

    interface Condition {
        boolean holds() throws IOException;
    }

    void runUntil(Condition c, int maxTicks) throws IOException {
        for (int i = 0; i < maxTicks; i++) {
            if (c.holds()) {
                return;
            }
            tick();
        }
        assertTrue(c.holds(), "condition not reached in " + maxTicks + " ticks; operators "
                + log.current().operators().values());
    }
}
