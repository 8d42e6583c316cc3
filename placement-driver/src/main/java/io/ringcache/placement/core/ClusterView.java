package io.ringcache.placement.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What schedulers decide from: the replicated state, the leader's soft knowledge (when each store
 * was last heard, what it reported), the time, and the config. Schedulers look at the
 * <em>projected</em> map, the map as it will be once every unfinished operator (and every
 * proposal planned in this view) has done its work, so they never plan against moves already
 * under way. Immutable; {@link #withPlanned} gives a hypothetical view.
 */
public final class ClusterView {

    private final PlacementState state;
    private final Map<String, Long> lastHeard;
    private final Map<String, StoreReport> reports;
    private final long now;
    private final SchedulingConfig config;
    private final Set<Integer> planned;
    private final Map<Integer, ShardInfo> projected;
    /** Shared by a view and every hypothetical view made from it (see {@link BalanceWeights}). */
    private BalanceWeights weights;

    public ClusterView(PlacementState state, Map<String, Long> lastHeard, Map<String, StoreReport> reports, long now,
                       SchedulingConfig config) {
        this(state, lastHeard, reports, now, config, Set.of(), project(state), null);
    }

    private ClusterView(PlacementState state, Map<String, Long> lastHeard, Map<String, StoreReport> reports, long now,
                        SchedulingConfig config, Set<Integer> planned, Map<Integer, ShardInfo> projected,
                        BalanceWeights weights) {
        this.state = state;
        this.lastHeard = lastHeard;
        this.reports = reports;
        this.now = now;
        this.config = config;
        this.planned = planned;
        this.projected = projected;
        this.weights = weights;
    }

    private static Map<Integer, ShardInfo> project(PlacementState state) {
        Map<Integer, ShardInfo> out = new TreeMap<>(state.map() == null ? Map.of() : state.map().shards());
        for (Operator op : state.active()) {
            ShardInfo s = out.get(op.shardId());
            if (s != null) {
                out.put(op.shardId(), endOf(s, op.kind(), op.source(), op.target()));
            }
        }
        return out;
    }

    /** The shard as it will be when a change of this kind has finished. */
    static ShardInfo endOf(ShardInfo s, OperatorKind kind, String source, String target) {
        switch (kind) {
            case MOVE_REPLICA: {
                ShardInfo out = s.hasMember(target) ? s.promoted(target) : s.withLearner(target).promoted(target);
                if (!source.isEmpty()) {
                    boolean led = s.leader().equals(source);
                    out = out.without(source);
                    if (led) {
                        out = out.withLeader(target);
                    }
                }
                return out;
            }
            case SPLIT_SHARD:
                return s; // the parent keeps its replicas; the child appears with the same ones
            case REMOVE_REPLICA: {
                boolean led = s.leader().equals(source);
                ShardInfo out = s.without(source);
                if (led && !out.replicas().isEmpty()) {
                    out = out.withLeader(out.replicas().get(0));
                }
                return out;
            }
            default:
                return s.withLeader(target);
        }
    }

    public ClusterView withPlanned(Proposal p) {
        Map<Integer, ShardInfo> next = new TreeMap<>(projected);
        next.put(p.shardId(), endOf(projected.get(p.shardId()), p.kind(), p.source(), p.target()));
        Set<Integer> nextPlanned = new HashSet<>(planned);
        nextPlanned.add(p.shardId());
        return new ClusterView(state, lastHeard, reports, now, config, nextPlanned, next, weights());
    }

    public PlacementState state() {
        return state;
    }

    public PartitionMap map() {
        return state.map();
    }

    public long now() {
        return now;
    }

    public SchedulingConfig config() {
        return config;
    }

    public Map<Integer, ShardInfo> projectedShards() {
        return projected;
    }

    /** Whether the shard already has an unfinished operator or a planned change. */
    public boolean busy(int shardId) {
        return planned.contains(shardId) || state.activeOn(shardId).isPresent();
    }

    /** Heard from within the down time. */
    public boolean alive(String storeId) {
        Long heard = lastHeard.get(storeId);
        return heard != null && now - heard <= config.downAfterMillis();
    }

    /** Silent for longer than the repair time: its replicas are to be replaced. */
    public boolean needsRepair(String storeId) {
        StoreInfo s = map().stores().get(storeId);
        if (s == null || s.state() == StoreState.REMOVED) {
            return true;
        }
        Long heard = lastHeard.get(storeId);
        return heard == null ? false : now - heard > config.repairAfterMillis();
    }

    /** May receive new replicas: UP (or marked down but heard from again) and alive. */
    public boolean canReceive(String storeId) {
        StoreInfo s = map().stores().get(storeId);
        return s != null && (s.state() == StoreState.UP || s.state() == StoreState.DOWN) && alive(storeId);
    }

    /**
     * May be handed a leadership: can receive, and heard from lately. Stricter than
     * {@link #canReceive} because the cost of a mistake is higher: a store killed a moment ago is
     * alive until the down time passes, and a leader asked to transfer to it holds the shard's
     * writes and membership changes until the transfer times out. Heartbeats come every second,
     * so missing {@link #FRESH_MILLIS} of them already says something.
     */
    public boolean canLead(String storeId) {
        Long heard = lastHeard.get(storeId);
        return canReceive(storeId) && heard != null && now - heard <= Math.min(FRESH_MILLIS, config.downAfterMillis());
    }

    /** Heard from within this long: fit to be handed a leadership (see {@link #canLead}). */
    public static final long FRESH_MILLIS = 2_500;

    /** Stores that may receive replicas, by id. */
    public List<String> receivers() {
        List<String> out = new ArrayList<>();
        for (String id : map().stores().keySet()) {
            if (canReceive(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /** Replicas (voting and learning) per receiving store, in the projected map. */
    public Map<String, Integer> replicaCounts() {
        Map<String, Integer> counts = replicaCounts;
        if (counts == null) {
            counts = java.util.Collections.unmodifiableMap(countReplicas());
            replicaCounts = counts;
        }
        return counts;
    }

    /** A view is immutable: counted once, on first use (schedulers ask per shard and per store). */
    private Map<String, Integer> replicaCounts;

    private Map<String, Integer> countReplicas() {
        Map<String, Integer> counts = new TreeMap<>();
        for (String r : receivers()) {
            counts.put(r, 0);
        }
        for (ShardInfo s : projected.values()) {
            for (String m : members(s)) {
                counts.computeIfPresent(m, (k, v) -> v + 1);
            }
        }
        return counts;
    }

    /** Leaderships per receiving store, in the projected map. */
    public Map<String, Integer> leaderCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (String r : receivers()) {
            counts.put(r, 0);
        }
        for (ShardInfo s : projected.values()) {
            counts.computeIfPresent(s.leader(), (k, v) -> v + 1);
        }
        return counts;
    }

    /**
     * What each shard's replica and leadership weigh, from the reports of this view's moment
     * (computed once, on first use, and kept by every hypothetical view made from this one).
     */
    public BalanceWeights weights() {
        BalanceWeights w = weights;
        if (w == null) {
            w = BalanceWeights.of(map().shards().keySet(), this::shardBytes, this::shardLoad);
            weights = w;
        }
        return w;
    }

    /** The shard's data in bytes as its leader last reported (0 when unknown). */
    public long shardBytes(int shardId) {
        StoreReport.Replica rep = leaderReport(shardId);
        return rep == null ? 0 : rep.bytes();
    }

    /**
     * Per receiving store, the weights of the replicas it holds in the projected map (replica
     * counts when shards are alike or the cluster is nearly empty; see {@link BalanceWeights}).
     */
    public Map<String, Double> replicaScores() {
        BalanceWeights w = weights();
        return scores(ClusterView::members, w::replica);
    }

    /** Per receiving store, the weights of the leaderships it holds in the projected map. */
    public Map<String, Double> leaderScores() {
        BalanceWeights w = weights();
        return scores(s -> List.of(s.leader()), w::leader);
    }

    /** Per receiving store, the sum of {@code weight} over the projected shards it is one of the {@code holders} of. */
    private Map<String, Double> scores(java.util.function.Function<ShardInfo, List<String>> holders,
                                       java.util.function.IntToDoubleFunction weight) {
        Map<String, Double> scores = new TreeMap<>();
        for (String r : receivers()) {
            scores.put(r, 0.0);
        }
        for (ShardInfo s : projected.values()) {
            double x = weight.applyAsDouble(s.id());
            for (String m : holders.apply(s)) {
                scores.computeIfPresent(m, (k, v) -> v + x);
            }
        }
        return scores;
    }

    /** Ops/s of the shard as its leader last reported (0 when unknown). */
    public double shardLoad(int shardId) {
        StoreReport.Replica rep = leaderReport(shardId);
        return rep == null ? 0 : rep.opsPerSecond();
    }

    /** What the shard's leader (in the committed map) last reported about it, or null. */
    private StoreReport.Replica leaderReport(int shardId) {
        ShardInfo s = map().shards().get(shardId);
        if (s == null || s.leader().isEmpty()) {
            return null;
        }
        StoreReport r = reports.get(s.leader());
        return r == null ? null : r.replicas().get(shardId);
    }

    /** Ops/s of the shards each receiving store leads, in the projected map. */
    public Map<String, Double> leaderLoads() {
        Map<String, Double> loads = new TreeMap<>();
        for (String r : receivers()) {
            loads.put(r, 0.0);
        }
        for (ShardInfo s : projected.values()) {
            double load = shardLoad(s.id());
            loads.computeIfPresent(s.leader(), (k, v) -> v + load);
        }
        return loads;
    }

    /** What {@code storeId} last reported about its replica of {@code shardId}. */
    public Optional<StoreReport.Replica> report(String storeId, int shardId) {
        StoreReport r = reports.get(storeId);
        return r == null ? Optional.empty() : Optional.ofNullable(r.replicas().get(shardId));
    }

    /**
     * The live store {@code storeId} reported that its replica of {@code shardId} is lost: it will
     * not run again (its term-and-vote file was damaged), so it is replaced like one on a dead store.
     */
    public boolean lost(int shardId, String storeId) {
        StoreReport r = reports.get(storeId);
        return r != null && alive(storeId) && r.lostShards().contains(shardId);
    }

    /** What {@code storeId} said in its latest heartbeat to this leader. */
    public Optional<StoreReport> storeReport(String storeId) {
        return Optional.ofNullable(reports.get(storeId));
    }

    /**
     * Whether {@code storeId} has memory for {@code more} replicas more than it hosts, counting what
     * the projected map already places on it (true when it reported no budget).
     */
    public boolean roomFor(String storeId, int more) {
        StoreReport r = reports.get(storeId);
        if (r == null) {
            return true;
        }
        // The map counts a split's child or a move's learner as soon as it is committed; the
        // store's report only from its next heartbeat: take the larger.
        int placed = replicaCounts().getOrDefault(storeId, 0);
        return r.roomFor(more + Math.max(0, placed - r.replicas().size()));
    }

    /** Shards {@code storeId} reported hosting. */
    public Set<Integer> reportedShards(String storeId) {
        StoreReport r = reports.get(storeId);
        return r == null ? Set.of() : r.replicas().keySet();
    }

    public Set<String> reportingStores() {
        return reports.keySet();
    }

    /** Voters of {@code shard} that are alive. */
    public int aliveVoters(List<String> voters) {
        int n = 0;
        for (String v : voters) {
            if (alive(v)) {
                n++;
            }
        }
        return n;
    }

    public static int majority(int voters) {
        return voters / 2 + 1;
    }

    /**
     * The best store to receive a replica of {@code shard} replacing {@code leaving} (may be empty):
     * a receiver not already a member, preferring a zone no remaining member uses, then the fewest
     * projected replicas, then the lowest id.
     */
    public Optional<String> bestTarget(ShardInfo shard, String leaving) {
        Set<String> zones = new HashSet<>();
        for (String m : members(shard)) {
            if (!m.equals(leaving)) {
                zones.add(zone(m));
            }
        }
        Map<String, Integer> counts = replicaCounts();
        return receivers().stream()
                .filter(r -> !shard.hasMember(r) && roomFor(r, 1))
                .min(Comparator.<String>comparingInt(r -> zoneClash(zones, r) ? 1 : 0)
                        .thenComparingInt(r -> counts.getOrDefault(r, 0))
                        .thenComparing(r -> r));
    }

    /** Whether {@code store}'s zone is already among {@code zones} (no zone label never clashes). */
    public boolean zoneClash(Set<String> zones, String store) {
        String z = zone(store);
        return !z.isEmpty() && zones.contains(z);
    }

    public String zone(String storeId) {
        StoreInfo s = map().stores().get(storeId);
        return s == null ? "" : s.zone();
    }

    static List<String> members(ShardInfo s) {
        List<String> out = new ArrayList<>(s.replicas());
        out.addAll(s.learners());
        return out;
    }
}
