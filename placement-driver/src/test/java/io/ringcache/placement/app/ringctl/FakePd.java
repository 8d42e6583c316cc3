package io.ringcache.placement.app.ringctl;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringcache.proto.v1.AdminReply;
import io.ringcache.proto.v1.CancelOperatorRequest;
import io.ringcache.proto.v1.GetClusterStatusRequest;
import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.ListOperatorsRequest;
import io.ringcache.proto.v1.ListOperatorsResponse;
import io.ringcache.proto.v1.MoveReplicaRequest;
import io.ringcache.proto.v1.NotPlacementLeader;
import io.ringcache.proto.v1.OperatorInfo;
import io.ringcache.proto.v1.OperatorKind;
import io.ringcache.proto.v1.OperatorStatus;
import io.ringcache.proto.v1.PartitionMap;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.PlacementMember;
import io.ringcache.proto.v1.RebalanceRequest;
import io.ringcache.proto.v1.RebalanceResponse;
import io.ringcache.proto.v1.Ring;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.ShardStatus;
import io.ringcache.proto.v1.Store;
import io.ringcache.proto.v1.StoreRequest;
import io.ringcache.proto.v1.StoreState;
import io.ringcache.proto.v1.StoreStatus;
import io.ringcache.proto.v1.TransferLeaderRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A scripted PD member. As leader it serves a small cluster whose operators advance one step per
 * poll (PENDING, RUNNING, then DONE with their effect on the placement, or FAILED when scripted);
 * as a follower ({@link #redirectTo}) it answers admin calls with {@code not_leader}.
 */
final class FakePd extends PlacementDriverGrpc.PlacementDriverImplBase {

    static final long NOW = 1_700_000_100_000L;
    static final long CREATED = 1_700_000_000_000L;

    /** Mutable shard placement and load. */
    static final class Shard {
        final int id;
        List<String> voters;
        List<String> learners = new ArrayList<>();
        String leader;
        long conf = 1;
        double ops;
        long entries;
        long bytes;

        Shard(int id, String leader, String... voters) {
            this.id = id;
            this.leader = leader;
            this.voters = new ArrayList<>(List.of(voters));
        }
    }

    final String address;
    /** Null: this member leads; else the leader address it redirects to ("" = no leader known). */
    volatile String redirectTo;
    final Map<String, Store> stores = new LinkedHashMap<>();
    final Map<String, Long> heartbeatAge = new HashMap<>();
    final Map<Integer, Shard> shards = new TreeMap<>();
    long[] tokens = new long[0];
    int[] owners = new int[0];
    final List<OperatorInfo> ops = new ArrayList<>();
    final List<PlacementMember> members = new ArrayList<>();
    int targetReplicas = 3;
    long epoch = 7;
    /** What Rebalance plans (drafts: kind, shard, from, to). */
    List<OperatorInfo> plan = new ArrayList<>();
    /** Operators (by shard) that fail when they would finish, with this reason. */
    final Map<Integer, String> failOnShard = new HashMap<>();
    /** Operators (by shard) that get cancelled when they would finish, with this reason. */
    final Map<Integer, String> cancelOnShard = new HashMap<>();
    /** Whether operators advance on each ListOperators/GetClusterStatus call. */
    boolean advance = true;
    final List<Object> requests = new ArrayList<>();
    int adminCalls;
    private int nextOp = 1;

    FakePd(String address) {
        this.address = address;
    }

    // ---- fixtures ----

    static Store store(String id, String zone, StoreState state) {
        return Store.newBuilder().setId(id).setGrpcAddress(id + ".local:7000").setHttpAddress(id + ".local:8080")
                .setRaftAddress(id + ".local:11000").putLabels("zone", zone).setState(state).build();
    }

    void addStore(Store s, long heartbeatAgeMs) {
        stores.put(s.getId(), s);
        heartbeatAge.put(s.getId(), heartbeatAgeMs);
    }

    void addShard(Shard s) {
        shards.put(s.id, s);
    }

    /** Four shards with 25% each of the hash space, one token each. */
    void evenRing(int shardCount) {
        tokens = new long[shardCount];
        owners = new int[shardCount];
        long step = Long.divideUnsigned(-1L, shardCount);
        for (int i = 0; i < shardCount; i++) {
            tokens[i] = i == shardCount - 1 ? -1L : step * (i + 1);
            owners[i] = i;
        }
    }

    /**
     * s1, s2, s3 UP, s4 DOWN. Shard 2 has a voter on s4 (DOWN); shard 3 has 2 voters and a learner.
     * op-1 running (repair), op-2 done.
     */
    static FakePd standard(String address) {
        FakePd pd = new FakePd(address);
        pd.addStore(store("s1", "a", StoreState.STORE_STATE_UP), 800);
        pd.addStore(store("s2", "b", StoreState.STORE_STATE_UP), 1_200);
        pd.addStore(store("s3", "c", StoreState.STORE_STATE_UP), 65_000);
        pd.addStore(store("s4", "a", StoreState.STORE_STATE_DOWN), -1);
        Shard s0 = new Shard(0, "s1", "s1", "s2", "s3");
        s0.ops = 120.5;
        s0.entries = 1000;
        s0.bytes = 2 * 1024 * 1024;
        pd.addShard(s0);
        pd.addShard(new Shard(1, "s2", "s1", "s2", "s3"));
        pd.addShard(new Shard(2, "s1", "s1", "s2", "s4"));
        Shard s3 = new Shard(3, "s3", "s2", "s3");
        s3.learners.add("s1");
        s3.conf = 5;
        pd.addShard(s3);
        pd.evenRing(4);
        pd.ops.add(OperatorInfo.newBuilder().setId("op-1").setShardId(3).setKind(OperatorKind.OPERATOR_KIND_MOVE_REPLICA)
                .setTargetStore("s1").setStatus(OperatorStatus.OPERATOR_STATUS_RUNNING).setStep("catch-up")
                .setReason("learner at 10/20").setOrigin("repair").setCreatedUnixMs(CREATED).setUpdatedUnixMs(CREATED).build());
        pd.ops.add(OperatorInfo.newBuilder().setId("op-2").setShardId(0).setKind(OperatorKind.OPERATOR_KIND_TRANSFER_LEADER)
                .setSourceStore("s2").setTargetStore("s1").setStatus(OperatorStatus.OPERATOR_STATUS_DONE).setStep("transfer")
                .setOrigin("leader-balance").setCreatedUnixMs(CREATED - 60_000).setUpdatedUnixMs(CREATED).build());
        pd.nextOp = 3;
        pd.members.add(PlacementMember.newBuilder().setId("pd1").setGrpcAddress(address).setLeader(true).build());
        pd.members.add(PlacementMember.newBuilder().setId("pd2").setGrpcAddress("pd2.local:9090").build());
        return pd;
    }

    /**
     * s1..s4 UP; shards 0..3 on s1, s2, s3; s4 empty. The plan of {@link #balancingPlan()} balances it.
     */
    static FakePd imbalanced(String address) {
        FakePd pd = new FakePd(address);
        for (String s : List.of("s1", "s2", "s3", "s4")) {
            pd.addStore(store(s, "z", StoreState.STORE_STATE_UP), 500);
        }
        pd.addShard(new Shard(0, "s1", "s1", "s2", "s3"));
        pd.addShard(new Shard(1, "s2", "s1", "s2", "s3"));
        pd.addShard(new Shard(2, "s3", "s1", "s2", "s3"));
        pd.addShard(new Shard(3, "s1", "s1", "s2", "s3"));
        pd.evenRing(4);
        pd.members.add(PlacementMember.newBuilder().setId("pd1").setGrpcAddress(address).setLeader(true).build());
        return pd;
    }

    static OperatorInfo draft(OperatorKind kind, int shard, String from, String to) {
        return OperatorInfo.newBuilder().setKind(kind).setShardId(shard).setSourceStore(from).setTargetStore(to)
                .setOrigin("rebalance").build();
    }

    /** Three moves onto s4, then two leader transfers: counts 3/3/3/3 replicas, 1/1/1/1 leaders. */
    static List<OperatorInfo> balancingPlan() {
        List<OperatorInfo> plan = new ArrayList<>(movesOnly());
        plan.add(draft(OperatorKind.OPERATOR_KIND_TRANSFER_LEADER, 2, "s1", "s4"));
        plan.add(draft(OperatorKind.OPERATOR_KIND_TRANSFER_LEADER, 3, "s1", "s3"));
        return plan;
    }

    /** The moves alone: replicas balance, leaders do not (s1 leads three shards). */
    static List<OperatorInfo> movesOnly() {
        return List.of(
                draft(OperatorKind.OPERATOR_KIND_MOVE_REPLICA, 0, "s1", "s4"),
                draft(OperatorKind.OPERATOR_KIND_MOVE_REPLICA, 1, "s2", "s4"),
                draft(OperatorKind.OPERATOR_KIND_MOVE_REPLICA, 2, "s3", "s4"));
    }

    // ---- the service ----

    private <T> boolean redirected(StreamObserver<T> obs, Supplier<T> reply) {
        adminCalls++;
        if (redirectTo == null) {
            return false;
        }
        obs.onNext(reply.get());
        obs.onCompleted();
        return true;
    }

    private NotPlacementLeader hint() {
        return NotPlacementLeader.newBuilder().setLeaderId(redirectTo.isEmpty() ? "" : "pd1").setLeaderAddress(redirectTo).build();
    }

    private static <T> void reply(StreamObserver<T> obs, T value) {
        obs.onNext(value);
        obs.onCompleted();
    }

    private static void fail(StreamObserver<?> obs, Status status, String message) {
        obs.onError(status.withDescription(message).asRuntimeException());
    }

    @Override
    public synchronized void getPartitionMap(GetPartitionMapRequest request, StreamObserver<GetPartitionMapResponse> obs) {
        requests.add(request);
        reply(obs, GetPartitionMapResponse.newBuilder().setMap(map()).addAllMembers(members).build());
    }

    @Override
    public synchronized void getClusterStatus(GetClusterStatusRequest request, StreamObserver<GetClusterStatusResponse> obs) {
        if (redirected(obs, () -> GetClusterStatusResponse.newBuilder().setNotLeader(hint()).build())) {
            return;
        }
        requests.add(request);
        tick();
        reply(obs, status());
    }

    @Override
    public synchronized void listOperators(ListOperatorsRequest request, StreamObserver<ListOperatorsResponse> obs) {
        if (redirected(obs, () -> ListOperatorsResponse.newBuilder().setNotLeader(hint()).build())) {
            return;
        }
        requests.add(request);
        tick();
        List<OperatorInfo> out = new ArrayList<>();
        for (OperatorInfo op : ops) {
            if (request.getIncludeFinished() || !finished(op)) {
                out.add(op);
            }
        }
        reply(obs, ListOperatorsResponse.newBuilder().addAllOperators(out).build());
    }

    @Override
    public synchronized void cancelOperator(CancelOperatorRequest request, StreamObserver<AdminReply> obs) {
        if (redirected(obs, () -> AdminReply.newBuilder().setNotLeader(hint()).build())) {
            return;
        }
        requests.add(request);
        for (int i = 0; i < ops.size(); i++) {
            OperatorInfo op = ops.get(i);
            if (op.getId().equals(request.getId())) {
                if (finished(op)) {
                    fail(obs, Status.FAILED_PRECONDITION, "operator " + op.getId() + " already finished");
                    return;
                }
                OperatorInfo c = op.toBuilder().setStatus(OperatorStatus.OPERATOR_STATUS_CANCELLED)
                        .setReason("cancelled by admin").build();
                ops.set(i, c);
                reply(obs, AdminReply.newBuilder().addOperators(c).build());
                return;
            }
        }
        fail(obs, Status.INVALID_ARGUMENT, "no operator " + request.getId());
    }

    @Override
    public synchronized void moveReplica(MoveReplicaRequest request, StreamObserver<AdminReply> obs) {
        if (redirected(obs, () -> AdminReply.newBuilder().setNotLeader(hint()).build())) {
            return;
        }
        requests.add(request);
        Shard s = shards.get(request.getShardId());
        if (s == null) {
            fail(obs, Status.INVALID_ARGUMENT, "no shard " + request.getShardId());
            return;
        }
        if (!stores.containsKey(request.getToStore())) {
            fail(obs, Status.INVALID_ARGUMENT, "no store " + request.getToStore());
            return;
        }
        if (!s.voters.contains(request.getFromStore())) {
            fail(obs, Status.FAILED_PRECONDITION, "store " + request.getFromStore() + " holds no replica of shard " + s.id);
            return;
        }
        reply(obs, AdminReply.newBuilder().addOperators(create(OperatorKind.OPERATOR_KIND_MOVE_REPLICA, s.id,
                request.getFromStore(), request.getToStore(), "admin")).build());
    }

    @Override
    public synchronized void transferLeader(TransferLeaderRequest request, StreamObserver<AdminReply> obs) {
        if (redirected(obs, () -> AdminReply.newBuilder().setNotLeader(hint()).build())) {
            return;
        }
        requests.add(request);
        Shard s = shards.get(request.getShardId());
        if (s == null) {
            fail(obs, Status.INVALID_ARGUMENT, "no shard " + request.getShardId());
            return;
        }
        if (!s.voters.contains(request.getToStore())) {
            fail(obs, Status.FAILED_PRECONDITION, "store " + request.getToStore() + " holds no voter of shard " + s.id);
            return;
        }
        reply(obs, AdminReply.newBuilder().addOperators(create(OperatorKind.OPERATOR_KIND_TRANSFER_LEADER, s.id,
                s.leader, request.getToStore(), "admin")).build());
    }

    @Override
    public synchronized void split(io.ringcache.proto.v1.SplitRequest request,
                                   StreamObserver<io.ringcache.proto.v1.SplitReply> obs) {
        if (redirected(obs, () -> io.ringcache.proto.v1.SplitReply.newBuilder().setNotLeader(hint()).build())) {
            return;
        }
        requests.add(request);
        Shard s = shards.get(request.getShardId());
        if (s == null) {
            fail(obs, Status.INVALID_ARGUMENT, "no shard " + request.getShardId());
            return;
        }
        int child = shards.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        io.ringcache.proto.v1.SplitReply.Builder r = io.ringcache.proto.v1.SplitReply.newBuilder().setChildShardId(child)
                .setMovingSlots(8).setRingSlots(64).setParentShareBefore(0.25).setParentShareAfter(0.125).setChildShare(0.125);
        if (!request.getDryRun()) {
            r.addOperators(create(OperatorKind.OPERATOR_KIND_SPLIT_SHARD, s.id, "", Integer.toString(child), "admin"));
        }
        reply(obs, r.build());
    }

    @Override
    public synchronized void drainStore(StoreRequest request, StreamObserver<AdminReply> obs) {
        if (redirected(obs, () -> AdminReply.newBuilder().setNotLeader(hint()).build())) {
            return;
        }
        requests.add(request);
        Store st = stores.get(request.getStoreId());
        if (st == null) {
            fail(obs, Status.INVALID_ARGUMENT, "no store " + request.getStoreId());
            return;
        }
        stores.put(st.getId(), st.toBuilder().setState(StoreState.STORE_STATE_DRAINING).build());
        AdminReply.Builder out = AdminReply.newBuilder();
        for (Shard s : shards.values()) {
            if (s.voters.contains(st.getId())) {
                String to = stores.values().stream()
                        .filter(x -> x.getState() == StoreState.STORE_STATE_UP && !s.voters.contains(x.getId()))
                        .map(Store::getId).findFirst().orElse("");
                out.addOperators(create(OperatorKind.OPERATOR_KIND_MOVE_REPLICA, s.id, st.getId(), to, "repair"));
            }
        }
        reply(obs, out.build());
    }

    @Override
    public synchronized void removeStore(StoreRequest request, StreamObserver<AdminReply> obs) {
        if (redirected(obs, () -> AdminReply.newBuilder().setNotLeader(hint()).build())) {
            return;
        }
        requests.add(request);
        Store st = stores.get(request.getStoreId());
        if (st == null) {
            fail(obs, Status.INVALID_ARGUMENT, "no store " + request.getStoreId());
            return;
        }
        long held = shards.values().stream().filter(s -> s.voters.contains(st.getId()) || s.learners.contains(st.getId())).count();
        if (held > 0) {
            fail(obs, Status.FAILED_PRECONDITION, "store " + st.getId() + " still holds " + held + " replicas; drain it first");
            return;
        }
        stores.put(st.getId(), st.toBuilder().setState(StoreState.STORE_STATE_REMOVED).build());
        reply(obs, AdminReply.getDefaultInstance());
    }

    @Override
    public synchronized void rebalance(RebalanceRequest request, StreamObserver<RebalanceResponse> obs) {
        if (redirected(obs, () -> RebalanceResponse.newBuilder().setNotLeader(hint()).build())) {
            return;
        }
        requests.add(request);
        RebalanceResponse.Builder out = RebalanceResponse.newBuilder();
        List<OperatorInfo> current = plan;
        if (!request.getDryRun()) {
            if (planned && thenPlan != null) {
                current = thenPlan;
            }
            planned = true;
        }
        for (OperatorInfo d : current) {
            out.addPlan(request.getDryRun() ? d
                    : create(d.getKind(), d.getShardId(), d.getSourceStore(), d.getTargetStore(), "rebalance"));
        }
        reply(obs, out.build());
    }

    // ---- state ----

    private OperatorInfo create(OperatorKind kind, int shard, String from, String to, String origin) {
        OperatorInfo op = OperatorInfo.newBuilder().setId("op-" + nextOp++).setShardId(shard).setKind(kind)
                .setSourceStore(from).setTargetStore(to).setStatus(OperatorStatus.OPERATOR_STATUS_PENDING)
                .setOrigin(origin).setCreatedUnixMs(NOW).setUpdatedUnixMs(NOW).build();
        ops.add(op);
        return op;
    }

    /** What every non-dry-run Rebalance after the first plans (null: the same plan again). */
    volatile List<OperatorInfo> thenPlan;
    private boolean planned;

    static boolean finished(OperatorInfo op) {
        return op.getStatus() == OperatorStatus.OPERATOR_STATUS_DONE || op.getStatus() == OperatorStatus.OPERATOR_STATUS_FAILED
                || op.getStatus() == OperatorStatus.OPERATOR_STATUS_CANCELLED;
    }

    /** Every unfinished operator moves one step; operators on the same shard run one at a time. */
    private void tick() {
        if (!advance) {
            return;
        }
        Set<Integer> busy = new HashSet<>();
        for (int i = 0; i < ops.size(); i++) {
            OperatorInfo op = ops.get(i);
            if (finished(op) || !busy.add(op.getShardId())) {
                continue;
            }
            if (op.getStatus() == OperatorStatus.OPERATOR_STATUS_PENDING) {
                ops.set(i, op.toBuilder().setStatus(OperatorStatus.OPERATOR_STATUS_RUNNING).setStep("add-learner").build());
            } else if (cancelOnShard.containsKey(op.getShardId())) {
                ops.set(i, op.toBuilder().setStatus(OperatorStatus.OPERATOR_STATUS_CANCELLED)
                        .setReason(cancelOnShard.get(op.getShardId())).setUpdatedUnixMs(NOW + 1).build());
            } else if (failOnShard.containsKey(op.getShardId())) {
                ops.set(i, op.toBuilder().setStatus(OperatorStatus.OPERATOR_STATUS_FAILED).setStep("catch-up")
                        .setReason(failOnShard.get(op.getShardId())).setUpdatedUnixMs(NOW + 1).build());
            } else {
                apply(op);
                ops.set(i, op.toBuilder().setStatus(OperatorStatus.OPERATOR_STATUS_DONE).setStep("remove-old")
                        .setUpdatedUnixMs(NOW + 1).build());
            }
        }
    }

    private void apply(OperatorInfo op) {
        Shard s = shards.get(op.getShardId());
        if (s == null) {
            return;
        }
        epoch++;
        switch (op.getKind()) {
            case OPERATOR_KIND_MOVE_REPLICA -> {
                s.learners.remove(op.getTargetStore());
                s.voters.remove(op.getSourceStore());
                if (!s.voters.contains(op.getTargetStore())) {
                    s.voters.add(op.getTargetStore());
                }
                if (s.leader.equals(op.getSourceStore())) {
                    s.leader = s.voters.stream().filter(v -> !v.equals(op.getTargetStore())).findFirst().orElse("");
                }
                s.conf++;
            }
            case OPERATOR_KIND_TRANSFER_LEADER -> s.leader = op.getTargetStore();
            case OPERATOR_KIND_REMOVE_REPLICA -> {
                s.voters.remove(op.getSourceStore());
                s.conf++;
            }
            default -> {
            }
        }
    }

    PartitionMap map() {
        Ring.Builder ring = Ring.newBuilder();
        for (int i = 0; i < tokens.length; i++) {
            ring.addTokens(tokens[i]).addShardIds(owners[i]);
        }
        PartitionMap.Builder m = PartitionMap.newBuilder().setEpoch(epoch).setRing(ring).addAllStores(stores.values());
        for (Shard s : shards.values()) {
            m.addShards(placement(s));
        }
        return m.build();
    }

    private static ShardPlacement placement(Shard s) {
        return ShardPlacement.newBuilder().setShardId(s.id).addAllReplicas(s.voters).addAllLearners(s.learners)
                .setLeader(s.leader).setConfVersion(s.conf).build();
    }

    private GetClusterStatusResponse status() {
        GetClusterStatusResponse.Builder out = GetClusterStatusResponse.newBuilder().setMap(map())
                .setTargetReplicas(targetReplicas).addAllMembers(members);
        for (Store st : stores.values()) {
            int replicas = 0;
            int leaders = 0;
            double load = 0;
            for (Shard s : shards.values()) {
                if (s.voters.contains(st.getId()) || s.learners.contains(st.getId())) {
                    replicas++;
                }
                if (s.leader.equals(st.getId())) {
                    leaders++;
                    load += s.ops;
                }
            }
            out.addStores(StoreStatus.newBuilder().setStore(st).setHeartbeatAgeMs(heartbeatAge.getOrDefault(st.getId(), -1L))
                    .setReplicas(replicas).setLeaders(leaders).setOpsPerSecond(load)
                    .setMemoryBudgetBytes(st.getId().equals("s4") ? 0 : 1L << 30).setReservedBytes((long) replicas << 26)
                    .setDataBytes((long) replicas * 3 << 20));
        }
        for (Shard s : shards.values()) {
            out.addShards(ShardStatus.newBuilder().setPlacement(placement(s)).setOpsPerSecond(s.ops)
                    .setEntries(s.entries).setBytes(s.bytes).setKeyShare(1.0 / Math.max(1, shards.size())));
        }
        List<OperatorInfo> unfinished = new ArrayList<>();
        List<OperatorInfo> done = new ArrayList<>();
        for (OperatorInfo op : ops) {
            (finished(op) ? done : unfinished).add(op);
        }
        out.addAllOperators(unfinished).addAllOperators(done);
        return out.build();
    }

    /** Requests of one type received as leader. */
    synchronized <T> List<T> received(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Object r : requests) {
            if (type.isInstance(r)) {
                out.add(type.cast(r));
            }
        }
        return out;
    }

    synchronized OperatorInfo op(String id) {
        return ops.stream().filter(o -> o.getId().equals(id)).findFirst().orElse(null);
    }
}
