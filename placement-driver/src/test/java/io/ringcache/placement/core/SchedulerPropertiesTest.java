package io.ringcache.placement.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringcache.placement.core.Clusters.Cluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of every scheduler over arbitrary clusters: proposals are safe one by one (and as a
 * sequence planned with {@link ClusterView#withPlanned}), and applying proposals until none is
 * left converges within a bound.
 */
class SchedulerPropertiesTest {

    /** How many proposals one planning round may chain (like {@link RebalancePlan#plan}). */
    private static final int CHAIN = 64;

    @Provide
    Arbitrary<Cluster> clusters() {
        return Arbitraries.randomValue(r -> Clusters.random(r, true));
    }

    @Provide
    Arbitrary<Cluster> quietClusters() {
        return Arbitraries.randomValue(r -> Clusters.random(r, false));
    }

    @Property(tries = 400)
    void repairProposalsAreSafe(@ForAll("clusters") Cluster c) {
        checkChain(new RepairScheduler(), c, true);
    }

    @Property(tries = 400)
    void replicaBalanceProposalsAreSafe(@ForAll("clusters") Cluster c) {
        checkChain(new ReplicaBalanceScheduler(), c, false);
    }

    @Property(tries = 400)
    void leaderBalanceProposalsAreSafe(@ForAll("clusters") Cluster c) {
        checkChain(new LeaderBalanceScheduler(), c, false);
    }

    @Property(tries = 400)
    void hotShardProposalsAreSafe(@ForAll("clusters") Cluster c) {
        checkChain(new HotShardScheduler(), c, false);
    }

    /** The rebalance planner's output obeys the same rules (it chains two schedulers). */
    @Property(tries = 200)
    void rebalancePlanIsSafe(@ForAll("clusters") Cluster c) {
        ClusterView view = c.view();
        for (Proposal p : RebalancePlan.plan(view, 0)) {
            checkProposal(view, p, false);
            view = view.withPlanned(p);
        }
    }

    private static void checkChain(Scheduler scheduler, Cluster c, boolean strictZones) {
        ClusterView view = c.view();
        for (int i = 0; i < CHAIN; i++) {
            Optional<Proposal> p = scheduler.next(view);
            if (p.isEmpty()) {
                return;
            }
            checkProposal(view, p.get(), strictZones);
            view = view.withPlanned(p.get());
        }
    }

    /**
     * One proposal: never on a busy shard; a move's target can receive and is not a member, its
     * source is a voter; a removal never takes the last voter; a transfer goes to a live voter; and
     * zones: a move never lowers the number of zones a shard spans, and repair (which picks its
     * target freely) never doubles up a zone while a receiver in a fresh zone was available.
     */
    static void checkProposal(ClusterView view, Proposal p, boolean strictZones) {
        assertFalse(view.busy(p.shardId()), () -> "proposal on busy shard: " + p);
        ShardInfo s = view.projectedShards().get(p.shardId());
        assertNotNull(s, () -> "proposal for unknown shard: " + p);
        switch (p.kind()) {
            case MOVE_REPLICA -> {
                assertTrue(view.canReceive(p.target()), () -> "target cannot receive: " + p);
                assertFalse(s.hasMember(p.target()), () -> "target already a member: " + p + " " + s);
                if (!p.source().isEmpty()) {
                    assertTrue(s.replicas().contains(p.source()), () -> "source is not a voter: " + p + " " + s);
                }
                Set<String> zones = new HashSet<>();
                for (String m : ClusterView.members(s)) {
                    if (!m.equals(p.source()) && !view.zone(m).isEmpty()) {
                        zones.add(view.zone(m));
                    }
                }
                if (view.zoneClash(zones, p.target())) {
                    boolean sourceClashed = !p.source().isEmpty() && view.zoneClash(zones, p.source());
                    if (strictZones) {
                        for (String r : view.receivers()) {
                            if (!s.hasMember(r) && !view.zoneClash(zones, r)) {
                                fail("move " + p + " doubles zone " + view.zone(p.target()) + " while " + r
                                        + " (zone '" + view.zone(r) + "') was free; shard " + s);
                            }
                        }
                    } else {
                        assertTrue(sourceClashed, () -> "move " + p + " doubles zone " + view.zone(p.target())
                                + " of shard " + s);
                    }
                }
            }
            case REMOVE_REPLICA -> {
                assertTrue(s.hasMember(p.source()), () -> "removal of a non-member: " + p + " " + s);
                if (s.replicas().contains(p.source())) {
                    assertTrue(s.replicas().size() >= 2, () -> "removal of the last voter: " + p + " " + s);
                }
            }
            case TRANSFER_LEADER -> {
                assertTrue(s.replicas().contains(p.target()), () -> "transfer to a non-voter: " + p + " " + s);
                assertFalse(p.target().equals(s.leader()), () -> "transfer to the leader: " + p);
                assertTrue(view.canLead(p.target()), () -> "transfer to a store that cannot lead: " + p);
            }
        }
    }

    // ---- convergence ----

    /**
     * Taking the first proposal of repair, hot-shard, leader balance and replica balance (the
     * driver's order) and applying it as done, again and again, reaches a state where none
     * proposes anything within shards x stores x 4 steps. There, repair is satisfied (every shard
     * has the wanted voters, none on a leaving store, when enough stores can receive); with no zone
     * labels and no hot store, replica and leader counts are balanced.
     */
    @Property(tries = 400)
    void applyingProposalsConverges(@ForAll("quietClusters") Cluster c) {
        List<Scheduler> rules = List.of(new RepairScheduler(), new HotShardScheduler(), new LeaderBalanceScheduler(),
                new ReplicaBalanceScheduler());
        PartitionMap map = c.state().map();
        int bound = map.shards().size() * map.stores().size() * 4;
        int steps = 0;
        ClusterView view = viewOf(c, map);
        List<Proposal> history = new ArrayList<>();
        while (true) {
            Optional<Proposal> p = Optional.empty();
            for (Scheduler rule : rules) {
                p = rule.next(view);
                if (p.isPresent()) {
                    break;
                }
            }
            if (p.isEmpty()) {
                break;
            }
            checkProposal(view, p.get(), Set.of("repair", "drain").contains(p.get().origin()));
            history.add(p.get());
            steps++;
            if (steps > bound) {
                fail("no fixpoint after " + bound + " steps; last proposals "
                        + history.subList(Math.max(0, history.size() - 12), history.size()));
            }
            map = apply(view, map, p.get());
            view = viewOf(c, map);
        }
        assertTrue(new RepairScheduler().next(view).isEmpty());
        ClusterView end = view;
        int wanted = c.config().replicas();
        if (end.receivers().size() >= wanted) {
            for (ShardInfo s : map.shards().values()) {
                assertEquals(wanted, s.replicas().size(), () -> "shard " + s + " not fully replicated");
                assertTrue(s.learners().isEmpty(), () -> "shard " + s + " kept a learner");
                for (String v : s.replicas()) {
                    StoreState st = map.stores().get(v).state();
                    assertFalse(end.needsRepair(v) || st == StoreState.DRAINING,
                            () -> "shard " + s + " kept a replica on leaving store " + v);
                }
            }
        }
        assertTrue(ReplicaBalanceScheduler.balanced(end), () -> "replicas unbalanced: " + end.replicaCounts());
        assertTrue(LeaderBalanceScheduler.balanced(end), () -> "leaders unbalanced: " + end.leaderCounts());
        if (!c.zoned()) {
            // Without zones, balanced means counts within one.
            int max = end.replicaCounts().values().stream().mapToInt(Integer::intValue).max().orElse(0);
            int min = end.replicaCounts().values().stream().mapToInt(Integer::intValue).min().orElse(0);
            assertTrue(max - min <= 1, () -> "replica counts apart by more than one: " + end.replicaCounts());
        }
        if (c.cold()) {
            // With no store near the hot line, no leader has two more leaderships than one of its live,
            // lately heard voters (only those may be handed a leadership).
            Map<String, Integer> counts = end.leaderCounts();
            for (ShardInfo s : map.shards().values()) {
                Integer from = counts.get(s.leader());
                for (String v : s.replicas()) {
                    Integer to = counts.get(v);
                    assertFalse(from != null && to != null && end.canLead(v) && from - to >= 2,
                            () -> "shard " + s + ": leader counts " + counts);
                }
            }
        }
    }

    private static ClusterView viewOf(Cluster c, PartitionMap map) {
        Map<String, Long> heard = c.lastHeard();
        return new ClusterView(new PlacementState(1, map, Map.of(), 1), heard,
                Clusters.reports(map, heard, c.perShardOps(), null), Clusters.NOW, c.config());
    }

    /** The proposal done: the shard as {@link ClusterView#endOf} says, then a live leader elected if it lost its own. */
    private static PartitionMap apply(ClusterView view, PartitionMap map, Proposal p) {
        ShardInfo s = ClusterView.endOf(map.shards().get(p.shardId()), p.kind(), p.source(), p.target());
        if (s.leader().isEmpty() || !view.alive(s.leader())) {
            String leader = s.replicas().stream().filter(view::alive).sorted().findFirst().orElse("");
            s = s.withLeader(leader);
        }
        return map.withShard(s);
    }

    // ---- operator steps ----

    @Provide
    Arbitrary<Object[]> operatorCases() {
        return Arbitraries.randomValue(r -> {
            Cluster c = Clusters.random(r, false);
            List<ShardInfo> shards = new ArrayList<>(c.state().map().shards().values());
            ShardInfo s = shards.get(r.nextInt(shards.size()));
            Operator op = Clusters.randomOperator(r, new OperatorId(1), s, new ArrayList<>(c.state().map().stores().keySet()),
                    c.config(), true);
            Map<OperatorId, Operator> ops = new HashMap<>();
            ops.put(op.id(), op);
            PlacementState st = new PlacementState(5, c.state().map(), ops, 2);
            return new Object[] {new Cluster(st, c.lastHeard(), c.reports(), c.config(), c.perShardOps(), c.zoned(),
                    c.cold()), op};
        });
    }

    /**
     * Whatever the operator's step and however the map disagrees with it, any membership change
     * {@link OperatorSteps#decide} asks for keeps the live voters a majority of both the old and
     * the new voter set, never empties the voters, and never makes a store voter and learner at once.
     */
    @Property(tries = 2000)
    void membershipChangesKeepLiveMajorities(@ForAll("operatorCases") Object[] kase) {
        Cluster c = (Cluster) kase[0];
        Operator op = (Operator) kase[1];
        ClusterView view = c.view();
        ShardInfo s = view.map().shards().get(op.shardId());
        StepOutcome out = OperatorSteps.decide(op, view);
        if (out instanceof StepOutcome.Run run) {
            for (StepAction a : run.actions()) {
                assertEquals(op.shardId(), a.shardId());
                if (a instanceof StepAction.ChangeMembership cm) {
                    String where = op + " on " + s + " -> " + cm;
                    assertFalse(cm.voters().isEmpty(), () -> "no voters left: " + where);
                    assertTrue(view.aliveVoters(s.replicas()) >= ClusterView.majority(s.replicas().size()),
                            () -> "old voters lack a live majority: " + where);
                    assertTrue(view.aliveVoters(cm.voters()) >= ClusterView.majority(cm.voters().size()),
                            () -> "new voters lack a live majority: " + where);
                    for (String l : cm.learners()) {
                        assertFalse(cm.voters().contains(l), () -> "voter and learner: " + where);
                    }
                    assertTrue(cm.candidates().containsAll(s.replicas()), () -> "candidates miss a voter: " + where);
                }
            }
            // Whatever it ran, success yields a valid map (ShardInfo and PartitionMap validate themselves).
            StepOutcome.Advance done = OperatorSteps.succeeded(op, view);
            assertFalse(done.map().shards().get(op.shardId()).replicas().isEmpty(), () -> "success left no voters: " + op);
        } else if (out instanceof StepOutcome.Advance adv) {
            assertFalse(adv.map().shards().get(op.shardId()).replicas().isEmpty());
            assertTrue(adv.map().epoch() >= view.map().epoch());
        }
    }

    /** Planned proposals as a whole: at most one per shard, and never on a shard with an unfinished operator. */
    @Property(tries = 300)
    void planTouchesEachShardOnce(@ForAll("clusters") Cluster c) {
        Set<Integer> seen = new HashSet<>();
        for (Proposal p : RebalancePlan.plan(c.view(), 0)) {
            assertTrue(seen.add(p.shardId()), () -> "two proposals for shard " + p.shardId());
            assertTrue(c.state().activeOn(p.shardId()).isEmpty());
        }
    }

    static Random seeded(long seed) {
        return new Random(seed);
    }
}
