package io.ringcache.placement.core;

import io.ringcache.routing.HashRing;
import io.ringcache.routing.TokenPlanner;
import io.ringcache.placement.core.access.AccessChange;
import io.ringcache.placement.core.access.AccessChangeException;
import io.ringcache.placement.core.access.AccessTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The placement driver's brain, on the PD leader: registers stores, takes heartbeats, marks silent
 * stores down, runs the schedulers, admits operators under the concurrency limits, and hands out
 * the calls operators need ({@link #tick}). Every state change is committed through the
 * {@link PlacementLog} before it is visible. Liveness and load reports are soft state, rebuilt by
 * a new leader from heartbeats ({@link #takeOver}). Thread-safe (one monitor); no clock, no
 * threads: the caller passes the time and makes the calls.
 */
public final class PlacementDriver {

    /** Scheduler proposals per tick; the rest wait for the next tick. */
    private static final int PROPOSALS_PER_TICK = 16;
    /** A stale replica is asked to go at most this often. */
    private static final long STALE_RETRY_MILLIS = 10_000;

    private final PlacementLog log;
    private final SchedulingConfig config;
    private final Map<String, Long> lastHeard = new HashMap<>();
    private final Map<String, StoreReport> reports = new HashMap<>();
    private final Set<TaskKey> executing = new HashSet<>();
    private final Map<TaskKey, Long> retryAt = new HashMap<>();
    private final Scheduler repair = new RepairScheduler();
    private final Scheduler splits = new SplitScheduler();
    private final List<Scheduler> balancers = List.of(new HotShardScheduler(), new LeaderBalanceScheduler(),
            new ReplicaBalanceScheduler());

    public PlacementDriver(PlacementLog log, SchedulingConfig config) {
        this.log = log;
        this.config = config;
    }

    public SchedulingConfig config() {
        return config;
    }

    public PlacementState state() {
        return log.current();
    }

    /**
     * This member just became leader: forget the previous term's soft state and give every store
     * a full down time to heartbeat before it counts as down.
     */
    public synchronized void takeOver(long now) {
        lastHeard.clear();
        reports.clear();
        executing.clear();
        retryAt.clear();
        PartitionMap map = log.current().map();
        if (map != null) {
            for (StoreInfo s : map.stores().values()) {
                if (s.state() == StoreState.DOWN) {
                    // Down before this leader took over: still down (not a receiver), and its repair
                    // clock restarts from the down time rather than never starting.
                    lastHeard.put(s.id(), now - config.downAfterMillis() - 1);
                } else if (s.state() != StoreState.REMOVED) {
                    lastHeard.put(s.id(), now);
                }
            }
        }
    }

    /**
     * Registers a store (new, restarted, or with new addresses). The first store of a new cluster
     * gets every initial shard.
     *
     * @throws IllegalArgumentException for a removed store (ids are never reused)
     */
    public synchronized PartitionMap register(StoreInfo store, long now) throws IOException {
        PlacementState base = log.current();
        PartitionMap map = base.map();
        lastHeard.put(store.id(), now);
        if (map == null) {
            int[] ids = new int[config.initialShards()];
            Map<Integer, ShardInfo> shards = new TreeMap<>();
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i;
                shards.put(i, new ShardInfo(i, List.of(store.id()), store.id(), 1));
            }
            HashRing ring = TokenPlanner.initial(ids);
            PartitionMap first = new PartitionMap(1, ring, shards, Map.of(store.id(), store.withState(StoreState.UP)));
            return commit(base, base.withMap(first)).map();
        }
        StoreInfo known = map.stores().get(store.id());
        if (known != null && known.state() == StoreState.REMOVED) {
            throw new IllegalArgumentException("store " + store.id() + " was removed; store ids are never reused");
        }
        StoreState state = known != null && known.state() == StoreState.DRAINING ? StoreState.DRAINING : StoreState.UP;
        StoreInfo next = store.withState(state);
        if (next.equals(known)) {
            return map;
        }
        return commit(base, base.withMap(map.withStore(next))).map();
    }

    /**
     * Takes a heartbeat: the store is alive (a DOWN store comes back UP), its leaderships are
     * recorded, its report kept for the schedulers.
     *
     * @return the current map epoch (the store refreshes its map when it is behind)
     * @throws IllegalArgumentException for an unknown or removed store (it must register)
     */
    public synchronized long heartbeat(StoreReport report, long now) throws IOException {
        PlacementState base = log.current();
        PartitionMap map = base.map();
        StoreInfo store = map == null ? null : map.stores().get(report.storeId());
        if (store == null || store.state() == StoreState.REMOVED) {
            throw new IllegalArgumentException("store " + report.storeId() + " is not registered");
        }
        lastHeard.put(report.storeId(), now);
        reports.put(report.storeId(), report);
        PartitionMap next = map;
        if (store.state() == StoreState.DOWN) {
            next = next.withStore(store.withState(StoreState.UP));
        }
        for (var e : report.replicas().entrySet()) {
            ShardInfo s = next.shards().get(e.getKey());
            if (e.getValue().role() == StoreReport.Role.LEADER && s != null && s.replicas().contains(report.storeId())
                    && !s.leader().equals(report.storeId())) {
                next = next.withShard(s.withLeader(report.storeId()));
            }
        }
        if (next != map) {
            next = new PartitionMap(map.epoch() + 1, next.ring(), next.shards(), next.stores());
            return commit(base, base.withMap(next)).map().epoch();
        }
        return map.epoch();
    }

    /**
     * One scheduling round: marks silent stores down, advances operators, admits queued ones,
     * runs the schedulers, and returns the calls to make now.
     */
    public synchronized List<StepTask> tick(long now) throws IOException {
        if (log.current().map() == null) {
            return List.of();
        }
        markDown(now);
        List<StepTask> tasks = new ArrayList<>();
        advanceRunning(now, tasks);
        admitPending(now);
        schedule(now);
        advanceRunning(now, tasks);
        collectStale(now, tasks);
        return tasks;
    }

    public synchronized void taskSucceeded(StepTask task, long now) throws IOException {
        executing.remove(task.key());
        retryAt.remove(task.key());
        Optional<Operator> op = current(task);
        if (op.isPresent()) {
            StepOutcome.Advance a = OperatorSteps.succeeded(op.get(), view(now));
            commitAdvance(a);
        }
    }

    public synchronized void taskFailed(StepTask task, String reason, long now) throws IOException {
        executing.remove(task.key());
        Optional<Operator> op = current(task);
        int attempts = op.map(Operator::attempts).orElse(0);
        retryAt.put(task.key(), now + Math.min(10_000, 500L << Math.min(attempts, 5)));
        if (op.isPresent()) {
            commitAdvance(OperatorSteps.failed(op.get(), reason, view(now)));
        }
    }

    // ---- administration ----

    public synchronized Operator moveReplica(int shardId, String from, String to, long now) throws IOException {
        ShardInfo s = shard(shardId);
        store(from);
        store(to);
        AdminChecks.move(s, from, to, view(now));
        return create(new Proposal(shardId, OperatorKind.MOVE_REPLICA, from, to, "admin"), now);
    }

    public synchronized Operator transferLeader(int shardId, String to, long now) throws IOException {
        ShardInfo s = shard(shardId);
        store(to);
        AdminChecks.transfer(s, to, view(now));
        return create(new Proposal(shardId, OperatorKind.TRANSFER_LEADER, s.leader(), to, "admin"), now);
    }

    /**
     * Queues a split of {@code shardId}: a new shard takes half of its ring slots once the
     * operator runs (one split at a time, see {@link OperatorSteps}).
     */
    public synchronized Operator split(int shardId, long now) throws IOException {
        ShardInfo s = shard(shardId);
        if (s.replicas().isEmpty()) {
            throw new IllegalArgumentException("shard " + shardId + " has no replicas to split");
        }
        ClusterView view = view(now);
        for (String v : s.replicas()) {
            if (!view.roomFor(v, 1)) {
                throw new IllegalStateException("store " + v + " has no memory for another shard replica (its -memory "
                        + "holds no more); a split adds one on every store of shard " + shardId);
            }
        }
        return create(new Proposal(shardId, OperatorKind.SPLIT_SHARD, "", "", "admin"), now);
    }

    /** What splitting {@code shardId} now would do: the plan against the current ring. */
    public synchronized SplitPreview previewSplit(int shardId) {
        shard(shardId);
        return SplitPreview.of(requireMap(), shardId);
    }

    /** Marks a store draining: repair moves its replicas (and so its leaderships) to the others. */
    public synchronized void drain(String storeId, long now) throws IOException {
        StoreInfo s = store(storeId);
        if (s.state() == StoreState.DRAINING) {
            return;
        }
        if (s.state() == StoreState.REMOVED) {
            throw new IllegalStateException("store " + storeId + " was removed");
        }
        ClusterView view = view(now);
        AdminChecks.drain(storeId, view, Math.min(config.replicas(), maxVoters(view.map())));
        PlacementState base = log.current();
        commit(base, base.withMap(base.map().withStore(s.withState(StoreState.DRAINING))));
    }

    /** Removes an empty store for good. */
    public synchronized void removeStore(String storeId, long now) throws IOException {
        StoreInfo s = store(storeId);
        if (s.state() == StoreState.REMOVED) {
            return;
        }
        AdminChecks.remove(storeId, log.current());
        PlacementState base = log.current();
        commit(base, base.withMap(base.map().withStore(s.withState(StoreState.REMOVED))));
        lastHeard.remove(storeId);
        reports.remove(storeId);
    }

    public synchronized Operator cancel(OperatorId operatorId, long now) throws IOException {
        PlacementState base = log.current();
        Operator op = base.operators().get(operatorId);
        if (op == null) {
            throw new IllegalArgumentException("no operator " + operatorId);
        }
        Operator next = OperatorSteps.cancel(op, now);
        commit(base, base.withOperator(next));
        return next;
    }

    /**
     * Plans replica moves until replica counts are balanced, then leader transfers on the shards
     * that do not move, at most {@code maxMoves} in all (0: no limit); unless {@code dryRun},
     * queues them as operators (they run within the concurrency limits).
     */
    public synchronized List<Operator> rebalance(int maxMoves, boolean dryRun, long now) throws IOException {
        requireMap();
        List<Proposal> plan = RebalancePlan.plan(view(now), maxMoves);
        List<Operator> out = new ArrayList<>();
        for (Proposal p : plan) {
            out.add(dryRun ? p.draft(now) : create(p, now));
        }
        return out;
    }

    /**
     * Applies one change to users, roles or auth ({@link AccessTable#apply}) as one placement
     * revision, behind this monitor so it never races a placement decision.
     *
     * @return the access table after the change
     */
    public synchronized AccessTable changeAccess(AccessChange change) throws IOException, AccessChangeException {
        PlacementState base = log.current();
        return commit(base, base.withAccess(base.access().apply(change))).access();
    }

    /** Whether replica and leader counts are balanced and no rebalance or balance operator is unfinished. */
    public synchronized boolean balanced(long now) {
        if (log.current().map() == null) {
            return true;
        }
        ClusterView view = view(now);
        return ReplicaBalanceScheduler.balanced(view) && LeaderBalanceScheduler.balanced(view)
                && log.current().active().isEmpty();
    }

    public synchronized ClusterStatus status(long now) {
        requireMap();
        return ClusterStatus.of(log.current(), view(now), lastHeard, now, config.replicas());
    }

    // ---- the round's parts ----

    private void markDown(long now) throws IOException {
        PlacementState base = log.current();
        PartitionMap map = base.map();
        ClusterView view = view(now);
        PartitionMap next = map;
        for (StoreInfo s : map.stores().values()) {
            if (s.state() == StoreState.UP && !view.alive(s.id())) {
                next = next.withStore(s.withState(StoreState.DOWN));
            }
        }
        if (next != map) {
            commit(base, base.withMap(new PartitionMap(map.epoch() + 1, next.ring(), next.shards(), next.stores())));
        }
    }

    private void advanceRunning(long now, List<StepTask> tasks) throws IOException {
        for (Operator listed : log.current().active()) {
            TaskKey key = new TaskKey.OfOperator(listed.id());
            if (listed.status() != OperatorStatus.RUNNING || executing.contains(key) || retryAt.getOrDefault(key, 0L) > now) {
                continue;
            }
            // A few decisions in a row, so steps that need no call (already done, observed) pass in one round.
            for (int i = 0; i < 4; i++) {
                Operator op = log.current().operators().get(listed.id());
                if (op == null || op.finished()) {
                    break;
                }
                StepOutcome outcome = OperatorSteps.decide(op, view(now));
                if (outcome instanceof StepOutcome.Run run) {
                    executing.add(key);
                    tasks.add(new StepTask(key, op.step(), run.actions()));
                    break;
                }
                if (outcome instanceof StepOutcome.Wait wait) {
                    Operator waiting = op.waiting(wait.reason());
                    if (waiting != op) {
                        PlacementState base = log.current();
                        commit(base, base.withOperator(waiting));
                    }
                    break;
                }
                commitAdvance((StepOutcome.Advance) outcome);
            }
        }
    }

    private void admitPending(long now) throws IOException {
        for (Operator op : log.current().active()) {
            if (op.status() == OperatorStatus.PENDING && hasRoom(op.kind())) {
                Operator started = OperatorSteps.start(op, view(now));
                if (!started.equals(op)) {
                    PlacementState base = log.current();
                    commit(base, base.withOperator(started));
                }
            }
        }
    }

    private void schedule(long now) throws IOException {
        List<Scheduler> rules = new ArrayList<>();
        rules.add(repair);
        rules.add(splits);
        if (config.autoBalance()) {
            rules.addAll(balancers);
        }
        int made = 0;
        for (Scheduler rule : rules) {
            while (made < PROPOSALS_PER_TICK) {
                Optional<Proposal> p = rule.next(view(now));
                if (p.isEmpty() || !hasRoom(p.get().kind())) {
                    break;
                }
                PlacementState base = log.current();
                Operator started = OperatorSteps.start(base.withNewOperator(p.get().draft(now))
                        .operators().get(base.nextId()), view(now));
                commit(base, base.withNewOperator(started));
                made++;
            }
        }
    }

    private void collectStale(long now, List<StepTask> tasks) {
        PartitionMap map = log.current().map();
        ClusterView view = view(now);
        for (String store : view.reportingStores()) {
            if (!view.alive(store)) {
                continue;
            }
            for (int shard : view.reportedShards(store)) {
                ShardInfo s = map.shards().get(shard);
                TaskKey key = new TaskKey.StaleReplica(store, shard);
                if (s == null && shard >= OperatorSteps.nextShardId(map)) {
                    // A split's child, started by the stores before the map that places it is
                    // committed (or a store that saw a split this PD has not published yet): never stale.
                    continue;
                }
                if ((s == null || !s.hasMember(store)) && log.current().activeOn(shard).isEmpty()
                        && !executing.contains(key) && retryAt.getOrDefault(key, 0L) <= now) {
                    executing.add(key);
                    retryAt.put(key, now + STALE_RETRY_MILLIS);
                    tasks.add(new StepTask(key, OperatorStep.DROP_SOURCE,
                            List.of(new StepAction.DropReplica(shard, store))));
                }
            }
        }
    }

    // ---- helpers ----

    private boolean hasRoom(OperatorKind kind) {
        int moves = 0;
        int transfers = 0;
        for (Operator op : log.current().active()) {
            if (op.status() == OperatorStatus.RUNNING) {
                if (op.kind() == OperatorKind.SPLIT_SHARD) {
                    if (kind == OperatorKind.SPLIT_SHARD) {
                        return false; // one split at a time: see OperatorSteps, "Splits"
                    }
                } else if (op.kind() == OperatorKind.TRANSFER_LEADER) {
                    transfers++;
                } else {
                    moves++;
                }
            }
        }
        return kind == OperatorKind.SPLIT_SHARD || (kind == OperatorKind.TRANSFER_LEADER
                ? transfers < config.maxConcurrentTransfers() : moves < config.maxConcurrentMoves());
    }

    private Operator create(Proposal p, long now) throws IOException {
        PlacementState base = log.current();
        Optional<Operator> busy = base.activeOn(p.shardId());
        if (busy.isPresent()) {
            throw new IllegalStateException("shard " + p.shardId() + " already has operator " + busy.get().id()
                    + " (" + busy.get().status().name().toLowerCase() + "); cancel it or wait");
        }
        PlacementState next = commit(base, base.withNewOperator(p.draft(now)));
        return next.operators().get(base.nextId());
    }

    private Optional<Operator> current(StepTask task) {
        if (task.operatorId().isEmpty()) {
            return Optional.empty();
        }
        Operator op = log.current().operators().get(task.operatorId().get());
        return op == null || op.finished() || op.step() != task.step() ? Optional.empty() : Optional.of(op);
    }

    private void commitAdvance(StepOutcome.Advance a) throws IOException {
        PlacementState base = log.current();
        commit(base, base.withMapAndOperator(a.map(), a.op()));
    }

    private PlacementState commit(PlacementState base, PlacementState next) throws IOException {
        return log.commit(base, next);
    }

    private ClusterView view(long now) {
        return new ClusterView(log.current(), lastHeard, reports, now, config);
    }

    private PartitionMap requireMap() {
        PartitionMap map = log.current().map();
        if (map == null) {
            throw new IllegalStateException("the cluster has no stores yet");
        }
        return map;
    }

    private ShardInfo shard(int id) {
        return requireMap().shard(id).orElseThrow(() -> new IllegalArgumentException("no shard " + id));
    }

    private StoreInfo store(String id) {
        return requireMap().store(id).orElseThrow(() -> new IllegalArgumentException("no store " + id));
    }

    private static int maxVoters(PartitionMap map) {
        int max = 0;
        for (ShardInfo s : map.shards().values()) {
            max = Math.max(max, s.replicas().size());
        }
        return max;
    }
}
