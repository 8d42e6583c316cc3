package io.ringcache.placement.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.placement.adapter.memory.InMemoryPlacementLog;
import io.ringcache.routing.TokenPlanner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The leader loop's decisions: leadership changes, and each call's outcome reported to the driver. */
class PlacementRoundsTest {

    private final SimCluster sim = new SimCluster(new Random(11), 0);
    private final List<StepAction> calls = new ArrayList<>();
    private InMemoryPlacementLog log;
    private PlacementDriver pd;
    private PlacementRounds rounds;
    private String failWith;
    private long now = 1_000_000;

    @BeforeEach
    void cluster() throws IOException {
        Map<String, StoreInfo> stores = new TreeMap<>();
        for (String id : List.of("s1", "s2", "s3")) {
            stores.put(id, sim.addStore(id, "").info());
        }
        sim.addStore("s4", "");
        List<String> voters = List.of("s1", "s2", "s3");
        Map<Integer, ShardInfo> shards = new TreeMap<>();
        for (int i = 0; i < 4; i++) {
            shards.put(i, new ShardInfo(i, voters, voters.get(i % 3), 1));
        }
        PartitionMap map = new PartitionMap(1, TokenPlanner.initial(new int[] {0, 1, 2, 3}), shards, stores);
        log = new InMemoryPlacementLog(new PlacementState(1, map, Map.of(), 1));
        pd = new PlacementDriver(log, SchedulingConfig.defaults(4).withAutoBalance(false));
        sim.createGroups(map, new HashMap<>());
        rounds = new PlacementRounds(pd, (action, m) -> {
            calls.add(action);
            if (failWith != null) {
                throw new IllegalStateException(failWith);
            }
            String err = sim.execute(action);
            if (err != null) {
                throw new IllegalStateException(err);
            }
        }, () -> now);
    }

    @Test
    void onlyTheReadyLeaderSchedulesAndEachChangeOfLeadershipIsReported() throws IOException {
        assertEquals(PlacementRounds.Leadership.FOLLOWS, rounds.round(false).leadership());
        assertEquals(PlacementRounds.Leadership.BECAME_LEADER, rounds.round(true).leadership());
        assertEquals(PlacementRounds.Leadership.LEADS, rounds.round(true).leadership());
        PlacementRounds.Round lost = rounds.round(false);
        assertEquals(PlacementRounds.Leadership.STOPPED_LEADING, lost.leadership());
        assertTrue(lost.tasks().isEmpty());
        assertEquals(PlacementRounds.Leadership.BECAME_LEADER, rounds.round(true).leadership(),
                "leading again takes over again (fresh soft state)");
    }

    @Test
    void aFailedCallIsReportedWithItsReasonAndTheStepRunsAgainLater() throws IOException {
        rounds.round(true);
        register("s4");
        Operator move = pd.moveReplica(0, "s1", "s4", now);
        List<StepTask> tasks = rounds.round(true).tasks();
        assertEquals(1, tasks.size());
        StepTask task = tasks.get(0);
        assertEquals(Optional.of(move.id()), task.operatorId());
        assertEquals(new TaskKey.OfOperator(move.id()), task.key());

        failWith = "connection refused";
        assertEquals(Optional.of("connection refused"), rounds.run(task));
        assertEquals(1, calls.size(), "a task stops at its first failed call");
        Operator failed = log.current().operators().get(move.id());
        assertEquals(1, failed.attempts());
        assertTrue(failed.reason().contains("connection refused"), failed.reason());
        assertTrue(rounds.round(true).tasks().isEmpty(), "the failed step backs off before it runs again");

        failWith = null;
        now += 2_000;
        heartbeats();
        List<StepTask> again = rounds.round(true).tasks();
        assertEquals(1, again.size(), "after the back-off the step runs again");
        assertEquals(Optional.empty(), rounds.run(again.get(0)));
        assertEquals(0, log.current().operators().get(move.id()).attempts(), "a step that succeeded moves on, attempts cleared");
    }

    @Test
    void operatorIdsReadAndWriteAsOpN() {
        assertEquals(new OperatorId(17), OperatorId.parse("op-17"));
        assertEquals("op-17", new OperatorId(17).toString());
        assertEquals("", OperatorId.DRAFT.toString(), "a draft has no id yet");
        for (String bad : List.of("", "17", "op-", "op-x", "op--1", "OP-1", "op-1 ", "op-99999999999999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OperatorId.parse(bad), bad);
            assertTrue(e.getMessage().contains("op-N"), e.getMessage());
        }
    }

    private void register(String store) throws IOException {
        pd.register(sim.stores.get(store).info(), now);
        heartbeats();
    }

    private void heartbeats() throws IOException {
        for (SimCluster.Store s : sim.stores.values()) {
            pd.heartbeat(sim.report(s.id), now);
        }
    }
}
