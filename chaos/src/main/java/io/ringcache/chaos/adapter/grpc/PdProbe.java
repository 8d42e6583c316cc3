package io.ringcache.chaos.adapter.grpc;

import io.grpc.ManagedChannel;
import io.ringcache.proto.v1.GetClusterStatusRequest;
import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.PlacementMember;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.StoreStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A window on the placement driver for tests and the fault suite: asks each member (gRPC
 * {@code host:port}, comma-separated) until the leader answers.
 */
public final class PdProbe implements AutoCloseable {

    private final List<ManagedChannel> channels = new ArrayList<>();

    public PdProbe(String list) {
        this(list, io.grpc.InsecureChannelCredentials.create());
    }

    /** A probe over {@code credentials} (TLS for a cluster that runs it). */
    public PdProbe(String list, io.grpc.ChannelCredentials credentials) {
        for (String a : list.split(",")) {
            channels.add(io.grpc.Grpc.newChannelBuilder(a, credentials).build());
        }
    }

    /** The leader's view, or null when no member answers as leader. */
    public GetClusterStatusResponse status() {
        for (ManagedChannel c : channels) {
            try {
                GetClusterStatusResponse r = PlacementDriverGrpc.newBlockingStub(c).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
                if (!r.hasNotLeader()) {
                    return r;
                }
            } catch (RuntimeException e) {
                // that member is down or not ready; ask the next
            }
        }
        return null;
    }

    public String leaderIdOrEmpty() {
        GetClusterStatusResponse r = status();
        if (r == null) {
            return "";
        }
        return r.getMembersList().stream().filter(PlacementMember::getLeader).map(PlacementMember::getId)
                .findFirst().orElse("");
    }

    public String leaderId() {
        String id = leaderIdOrEmpty();
        if (id.isEmpty()) {
            throw new AssertionError("no PD leader");
        }
        return id;
    }

    /** Every shard has {@code replicas} voters, no learner, and a known leader. */
    public boolean settled(int replicas) {
        GetClusterStatusResponse r = status();
        if (r == null || r.getMap().getShardsCount() == 0) {
            return false;
        }
        for (ShardPlacement s : r.getMap().getShardsList()) {
            if (s.getReplicasCount() != replicas || s.getLearnersCount() > 0 || s.getLeader().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Every shard has {@code replicas} voters, all on stores placement sees UP, none on {@code gone}, no learner. */
    public boolean repairedWithout(int replicas, String gone) {
        GetClusterStatusResponse r = status();
        if (r == null || r.getMap().getShardsCount() == 0) {
            return false;
        }
        java.util.Set<String> up = new java.util.HashSet<>();
        r.getMap().getStoresList().stream().filter(st -> st.getState() == io.ringcache.proto.v1.StoreState.STORE_STATE_UP)
                .forEach(st -> up.add(st.getId()));
        for (ShardPlacement s : r.getMap().getShardsList()) {
            if (s.getReplicasCount() != replicas || s.getLearnersCount() > 0 || s.getLeader().isEmpty()
                    || s.getReplicasList().contains(gone) || !up.containsAll(s.getReplicasList())) {
                return false;
            }
        }
        return true;
    }

    /** The id of the store serving gRPC at {@code address}. */
    public String storeAt(String address) {
        return status().getMap().getStoresList().stream().filter(st -> st.getGrpcAddress().equals(address))
                .findFirst().orElseThrow(() -> new AssertionError("no store at " + address)).getId();
    }

    /** The UP store leading the most shards. */
    public String storeLeadingMostShards() {
        return status().getStoresList().stream().max((a, b) -> Integer.compare(a.getLeaders(), b.getLeaders()))
                .map(StoreStatus::getStore).orElseThrow().getId();
    }

    public ShardPlacement shard(int id) {
        return status().getMap().getShardsList().stream().filter(s -> s.getShardId() == id).findFirst().orElseThrow();
    }

    /**
     * Asks the placement driver's leader to hand {@code shard}'s leadership to {@code toStore};
     * returns "ok" or why not (the placement driver's error, or no leader answering).
     */
    public String transferLeader(int shard, String toStore) {
        return admin(stub -> stub.transferLeader(io.ringcache.proto.v1.TransferLeaderRequest.newBuilder().setShardId(shard)
                .setToStore(toStore).build()));
    }

    /** Asks the placement driver's leader to drain {@code store} (its replicas move away); "ok" or why not. */
    public String drain(String store) {
        return admin(stub -> stub.drainStore(io.ringcache.proto.v1.StoreRequest.newBuilder().setStoreId(store).build()));
    }

    /** Asks the placement driver's leader to move {@code shard}'s replica from one store to another; "ok" or why not. */
    public String moveReplica(int shard, String fromStore, String toStore) {
        return admin(stub -> stub.moveReplica(io.ringcache.proto.v1.MoveReplicaRequest.newBuilder().setShardId(shard)
                .setFromStore(fromStore).setToStore(toStore).build()));
    }

    /**
     * Asks the placement driver's leader to split {@code shard} (as {@code ringctl split} does);
     * returns "ok, new shard N" or why not.
     */
    public String split(int shard) {
        String last = "no placement-driver member answered";
        for (ManagedChannel c : channels) {
            try {
                io.ringcache.proto.v1.SplitReply r = PlacementDriverGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .split(io.ringcache.proto.v1.SplitRequest.newBuilder().setShardId(shard).build());
                if (r.hasNotLeader()) {
                    continue;
                }
                return r.hasError() ? "refused: " + r.getError().toString().replace('\n', ' ').trim()
                        : "ok, new shard " + r.getChildShardId();
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
        }
        return last;
    }

    /** True when the placement driver's leader reports no unfinished split operator. */
    public boolean noSplitRunning() {
        for (ManagedChannel c : channels) {
            try {
                io.ringcache.proto.v1.ListOperatorsResponse r = PlacementDriverGrpc.newBlockingStub(c)
                        .withDeadlineAfter(10, TimeUnit.SECONDS).listOperators(io.ringcache.proto.v1.ListOperatorsRequest.newBuilder().build());
                if (r.hasNotLeader()) {
                    continue;
                }
                return r.getOperatorsList().stream().noneMatch(op -> op.getKind() == io.ringcache.proto.v1.OperatorKind.OPERATOR_KIND_SPLIT_SHARD
                        && (op.getStatus() == io.ringcache.proto.v1.OperatorStatus.OPERATOR_STATUS_PENDING
                        || op.getStatus() == io.ringcache.proto.v1.OperatorStatus.OPERATOR_STATUS_RUNNING));
            } catch (RuntimeException e) {
                // try the next member
            }
        }
        return false;
    }

    private String admin(java.util.function.Function<PlacementDriverGrpc.PlacementDriverBlockingStub, io.ringcache.proto.v1.AdminReply> call) {
        String last = "no placement-driver member answered";
        for (ManagedChannel c : channels) {
            try {
                io.ringcache.proto.v1.AdminReply r = call.apply(PlacementDriverGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS));
                if (r.hasNotLeader()) {
                    continue;
                }
                return r.hasError() ? "refused: " + r.getError().toString().replace('\n', ' ').trim() : "ok";
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
        }
        return last;
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
