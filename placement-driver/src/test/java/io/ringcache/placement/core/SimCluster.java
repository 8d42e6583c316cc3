package io.ringcache.placement.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Simulated stores and their Raft groups, faithful enough for the placement driver: each shard's
 * real membership (voters and learners), a leader re-elected among live hosting voters (the most
 * caught up wins) when it dies or is removed, applied indexes that advance, learners that catch up
 * over a few ticks (snapshot, then the tail), and the four calls the PD makes, with the preconditions Raft imposes
 * ({@code ChangeMembership} only on the current leader and only with a live majority of the old
 * and the new voters). A fraction of calls fails, before or after taking effect (a lost reply).
 *
 * <p>Every call checks that it did not take a shard's live majority away: a group that had one
 * before a PD call must have one after it.
 */
final class SimCluster {

    /** A simulated store: alive or crashed, and the replicas it hosts with their applied index. */
    static final class Store {
        final String id;
        final String zone;
        boolean alive = true;
        boolean removed;
        final Map<Integer, Long> hosted = new TreeMap<>();

        Store(String id, String zone) {
            this.id = id;
            this.zone = zone;
        }

        StoreInfo info() {
            return new StoreInfo(id, id + ":7000", id + ":8080", id + ":9000",
                    zone.isEmpty() ? Map.of() : Map.of("zone", zone), StoreState.UP);
        }
    }

    /** A shard's real Raft group. */
    static final class Group {
        final int id;
        List<String> voters;
        List<String> learners = new ArrayList<>();
        String leader;
        long commit;
        final double ops;

        Group(int id, List<String> voters, String leader, double ops) {
            this.id = id;
            this.voters = new ArrayList<>(voters);
            this.leader = leader;
            this.ops = ops;
        }

        @Override
        public String toString() {
            return "group " + id + "{voters=" + voters + ", learners=" + learners + ", leader=" + leader + ", commit="
                    + commit + "}";
        }
    }

    final Random rnd;
    final double failRate;
    final Map<String, Store> stores = new TreeMap<>();
    final Map<Integer, Group> groups = new TreeMap<>();
    /** Calls made, failures injected (for the test's own sanity checks). */
    int calls;
    int injected;

    SimCluster(Random rnd, double failRate) {
        this.rnd = rnd;
        this.failRate = failRate;
    }

    Store addStore(String id, String zone) {
        Store s = new Store(id, zone);
        stores.put(id, s);
        return s;
    }

    /** The first registration created these shards, all on one store. */
    void createGroups(PartitionMap map, Map<Integer, Double> ops) {
        for (ShardInfo s : map.shards().values()) {
            Group g = new Group(s.id(), s.replicas(), s.leader(), ops.getOrDefault(s.id(), 0.0));
            groups.put(s.id(), g);
            for (String v : s.replicas()) {
                stores.get(v).hosted.put(s.id(), 0L);
            }
        }
    }

    boolean live(String storeId, int shard) {
        Store s = stores.get(storeId);
        return s != null && s.alive && !s.removed && s.hosted.containsKey(shard);
    }

    int liveVoters(Group g, List<String> voters) {
        int n = 0;
        for (String v : voters) {
            if (live(v, g.id)) {
                n++;
            }
        }
        return n;
    }

    boolean hasLiveMajority(Group g) {
        return liveVoters(g, g.voters) >= ClusterView.majority(g.voters.size());
    }

    /** Whether {@code storeId} crashing would leave every group a live majority. */
    boolean canLose(String storeId) {
        for (Group g : groups.values()) {
            int alive = 0;
            for (String v : g.voters) {
                if (!v.equals(storeId) && live(v, g.id)) {
                    alive++;
                }
            }
            if (alive < ClusterView.majority(g.voters.size())) {
                return false;
            }
        }
        return true;
    }

    /** Half a second of Raft: elections where the leader is gone, writes, replication. */
    void step() {
        for (Group g : groups.values()) {
            if (g.leader.isEmpty() || !g.voters.contains(g.leader) || !live(g.leader, g.id)) {
                elect(g);
            }
            if (g.leader.isEmpty()) {
                continue;
            }
            g.commit += 1 + rnd.nextInt(30);
            stores.get(g.leader).hosted.put(g.id, g.commit);
            List<String> members = new ArrayList<>(g.voters);
            members.addAll(g.learners);
            for (String m : members) {
                if (!m.equals(g.leader) && live(m, g.id)) {
                    Store s = stores.get(m);
                    // A snapshot plus the log tail: a third of the gap (at least 60 entries) per half second.
                    long applied = s.hosted.get(g.id);
                    s.hosted.put(g.id, Math.min(g.commit, applied + Math.max(60, (g.commit - applied) / 3)));
                }
            }
        }
    }

    private void elect(Group g) {
        List<String> up = new ArrayList<>();
        for (String v : g.voters) {
            if (live(v, g.id)) {
                up.add(v);
            }
        }
        if (up.size() < ClusterView.majority(g.voters.size())) {
            g.leader = "";
            return;
        }
        long best = up.stream().mapToLong(v -> stores.get(v).hosted.get(g.id)).max().orElse(0);
        List<String> most = up.stream().filter(v -> stores.get(v).hosted.get(g.id) == best).sorted().toList();
        g.leader = most.get(rnd.nextInt(most.size()));
    }

    /** What {@code storeId} says in its heartbeat. */
    StoreReport report(String storeId) {
        Store s = stores.get(storeId);
        Map<Integer, StoreReport.Replica> reps = new HashMap<>();
        for (var e : s.hosted.entrySet()) {
            Group g = groups.get(e.getKey());
            boolean leads = g != null && g.leader.equals(storeId);
            StoreReport.Role role = leads ? StoreReport.Role.LEADER
                    : g != null && g.learners.contains(storeId) ? StoreReport.Role.LEARNER : StoreReport.Role.FOLLOWER;
            reps.put(e.getKey(), new StoreReport.Replica(role, e.getValue(), leads ? g.ops : 0, e.getValue(), e.getValue() * 100));
        }
        return new StoreReport(storeId, reps);
    }

    /** Runs one call; null on success, else why it failed. Injected failures happen before or after the effect. */
    String execute(StepAction a) {
        calls++;
        if (rnd.nextDouble() < failRate) {
            injected++;
            return "injected: unavailable";
        }
        Group g = groups.get(a.shardId());
        boolean before = hasLiveMajority(g);
        String err = apply(a, g);
        if (before && !hasLiveMajority(g)) {
            throw new AssertionError("PD call " + a + " took the live majority away from " + g + "; stores "
                    + describeStores());
        }
        if (err == null && rnd.nextDouble() < failRate) {
            injected++;
            return "injected: reply lost";
        }
        return err;
    }

    private String apply(StepAction a, Group g) {
        if (a instanceof StepAction.HostReplica h) {
            Store s = stores.get(h.storeId());
            if (s == null || !s.alive || s.removed) {
                return "store " + h.storeId() + " unreachable";
            }
            s.hosted.putIfAbsent(h.shardId(), 0L);
            return null;
        }
        if (a instanceof StepAction.DropReplica d) {
            Store s = stores.get(d.storeId());
            if (s == null || !s.alive || s.removed) {
                return "store " + d.storeId() + " unreachable";
            }
            s.hosted.remove(d.shardId());
            return null;
        }
        if (a instanceof StepAction.ChangeMembership c) {
            String leader = leaderAmong(g, c.candidates());
            if (leader == null) {
                return "no candidate of " + c.candidates() + " leads " + g;
            }
            if (liveVoters(g, g.voters) < ClusterView.majority(g.voters.size())
                    || liveVoters(g, c.voters()) < ClusterView.majority(c.voters().size())) {
                return "no live majority of old " + g.voters + " and new " + c.voters();
            }
            g.voters = new ArrayList<>(c.voters());
            g.learners = new ArrayList<>(c.learners());
            if (!g.voters.contains(g.leader)) {
                elect(g);
            }
            return null;
        }
        if (a instanceof StepAction.SplitShard x) {
            String leader = leaderAmong(g, x.candidates());
            if (leader == null) {
                return "no candidate of " + x.candidates() + " leads " + g;
            }
            if (groups.containsKey(x.childShard())) {
                return null; // the same split again: the store answers already done
            }
            if (!g.learners.isEmpty() || !new java.util.TreeSet<>(g.voters).equals(new java.util.TreeSet<>(x.voters()))) {
                return "group " + g + " is not as the PD expects: " + x.voters();
            }
            // Every voter applies the split entry (a dead one when it comes back) and starts the child.
            Group child = new Group(x.childShard(), g.voters, leader, g.ops / 2);
            child.commit = g.commit;
            groups.put(child.id, child);
            for (String v : g.voters) {
                stores.get(v).hosted.put(child.id, g.commit);
            }
            return null;
        }
        StepAction.TransferLeader t = (StepAction.TransferLeader) a;
        String leader = leaderAmong(g, t.candidates());
        if (leader == null) {
            return "no candidate of " + t.candidates() + " leads " + g;
        }
        if (!g.voters.contains(t.to()) || !live(t.to(), g.id)) {
            return t.to() + " cannot take over " + g;
        }
        g.leader = t.to();
        return null;
    }

    private String leaderAmong(Group g, List<String> candidates) {
        for (String c : candidates) {
            if (c.equals(g.leader) && live(c, g.id)) {
                return c;
            }
        }
        return null;
    }

    String describeStores() {
        StringBuilder b = new StringBuilder();
        for (Store s : stores.values()) {
            b.append(s.id).append(s.removed ? "(removed)" : s.alive ? "" : "(dead)").append(s.zone.isEmpty() ? "" : "@" + s.zone)
                    .append(s.hosted.keySet()).append(' ');
        }
        return b.toString();
    }
}
