package io.ringcache.placement.adapter.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringcache.placement.api.PartitionMapProtos;
import io.ringcache.placement.adapter.proto.PlacementStateProtos;
import io.ringcache.placement.core.PlacementMembership;
import io.ringcache.placement.core.PdMember;
import io.ringcache.placement.core.NotPlacementLeaderException;
import io.ringcache.placement.core.Operator;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.PlacementDriver;
import io.ringcache.placement.core.PlacementLog;
import io.ringcache.placement.core.PlacementState;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreReport;
import io.ringcache.placement.api.AccessTableProtos;
import io.ringcache.placement.api.GrpcCallerAuth;
import io.ringcache.placement.core.access.AccessChange;
import io.ringcache.placement.core.access.AccessChangeException;
import io.ringcache.placement.core.access.AccessTable;
import io.ringcache.proto.v1.AdminReply;
import io.ringcache.proto.v1.ChangeAccessRequest;
import io.ringcache.proto.v1.GetAccessRequest;
import io.ringcache.proto.v1.GetAccessResponse;
import io.ringcache.proto.v1.CancelOperatorRequest;
import io.ringcache.placement.core.OperatorId;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.GetClusterStatusRequest;
import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.InvalidArgument;
import io.ringcache.proto.v1.ListOperatorsRequest;
import io.ringcache.proto.v1.ListOperatorsResponse;
import io.ringcache.proto.v1.MoveReplicaRequest;
import io.ringcache.proto.v1.NotPlacementLeader;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.RebalanceRequest;
import io.ringcache.proto.v1.RebalanceResponse;
import io.ringcache.proto.v1.RegisterStoreRequest;
import io.ringcache.proto.v1.RegisterStoreResponse;
import io.ringcache.proto.v1.ShardStats;
import io.ringcache.proto.v1.StoreHeartbeatRequest;
import io.ringcache.proto.v1.StoreHeartbeatResponse;
import io.ringcache.proto.v1.StoreRequest;
import io.ringcache.proto.v1.TransferLeaderRequest;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement driver's gRPC API. The map and its watch are served by every member from its
 * applied state; registration, heartbeats and administration only by the ready leader, others
 * answer with a {@link NotPlacementLeader} hint. Refusals of admin requests are gRPC statuses:
 * INVALID_ARGUMENT (unknown shard, store or operator), FAILED_PRECONDITION (the cluster does not
 * allow it now), UNAVAILABLE (the change could not be committed).
 */
public final class PlacementDriverService extends PlacementDriverGrpc.PlacementDriverImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementDriverService.class);

    private final PlacementDriver driver;
    private final PlacementLog log;
    private final PlacementMembership membership;
    private final LongSupplier clock;
    private final Runnable wake;
    private final String authPossible;

    /**
     * @param wake         asks the scheduling loop to run a round soon (after a registration or an admin change)
     * @param authPossible empty when auth may be turned on; else why not (no TLS, no member names)
     */
    public PlacementDriverService(PlacementDriver driver, PlacementLog log, PlacementMembership membership,
                                  LongSupplier clock, Runnable wake, String authPossible) {
        this.driver = driver;
        this.log = log;
        this.membership = membership;
        this.clock = clock;
        this.wake = wake;
        this.authPossible = authPossible;
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    @Override
    public void registerStore(RegisterStoreRequest request, StreamObserver<RegisterStoreResponse> out) {
        leaderOnly(out, h -> RegisterStoreResponse.newBuilder().setNotLeader(h).build(), () -> {
            StoreInfo store;
            try {
                store = PartitionMapProtos.fromProto(request.getStore());
                if (store.grpcAddress().isBlank()) {
                    throw new IllegalArgumentException("store " + store.id() + " needs a gRPC address");
                }
                PartitionMap map = driver.register(store, clock.getAsLong());
                LOG.info("store {} registered (raft {}, grpc {}, http {})", store.id(), store.raftAddress(),
                        store.grpcAddress(), store.httpAddress());
                wake.run();
                return RegisterStoreResponse.newBuilder().setMap(PartitionMapProtos.toProto(map))
                        .setAccess(AccessTableProtos.toProto(log.current().access())).build();
            } catch (IllegalArgumentException e) {
                return RegisterStoreResponse.newBuilder().setError(invalid(e.getMessage())).build();
            }
        });
    }

    @Override
    public void storeHeartbeat(StoreHeartbeatRequest request, StreamObserver<StoreHeartbeatResponse> out) {
        leaderOnly(out, h -> StoreHeartbeatResponse.newBuilder().setNotLeader(h).build(), () -> {
            Map<Integer, StoreReport.Replica> replicas = new HashMap<>();
            for (ShardStats s : request.getShardsList()) {
                replicas.put(s.getShardId(), new StoreReport.Replica(role(s), s.getAppliedIndex(), s.getOpsPerSecond(),
                        s.getEntries(), s.getBytes()));
            }
            try {
                long epoch = driver.heartbeat(new StoreReport(request.getStoreId(), replicas,
                        new java.util.HashSet<>(request.getLostShardsList()), request.getMemoryBudgetBytes(),
                        request.getShardBudgetBytes()), clock.getAsLong());
                StoreHeartbeatResponse.Builder reply = StoreHeartbeatResponse.newBuilder().setEpoch(epoch);
                AccessTable access = log.current().access();
                if (!request.hasAccessRevision() || request.getAccessRevision() != access.revision()) {
                    reply.setAccess(AccessTableProtos.toProto(access));
                }
                return reply.build();
            } catch (IllegalArgumentException e) {
                return StoreHeartbeatResponse.newBuilder().setError(invalid(e.getMessage())).build();
            }
        });
    }

    @Override
    public void getPartitionMap(GetPartitionMapRequest request, StreamObserver<GetPartitionMapResponse> out) {
        PartitionMap map = log.current().map();
        GetPartitionMapResponse.Builder response = GetPartitionMapResponse.newBuilder()
                .addAllMembers(ClusterStatusProtos.members(membership));
        if (map != null && map.epoch() > request.getAfterEpoch()) {
            response.setMap(PartitionMapProtos.toProto(map));
        }
        out.onNext(response.build());
        out.onCompleted();
    }

    @Override
    public void watchPartitionMap(GetPartitionMapRequest request, StreamObserver<GetPartitionMapResponse> out) {
        ServerCallStreamObserver<GetPartitionMapResponse> stream = (ServerCallStreamObserver<GetPartitionMapResponse>) out;
        long[] sent = {request.getAfterEpoch()};
        Consumer<PlacementState> push = state -> {
            PartitionMap map = state.map();
            synchronized (sent) {
                if (map != null && map.epoch() > sent[0] && !stream.isCancelled()) {
                    sent[0] = map.epoch();
                    stream.onNext(GetPartitionMapResponse.newBuilder().setMap(PartitionMapProtos.toProto(map))
                            .addAllMembers(ClusterStatusProtos.members(membership)).build());
                }
            }
        };
        log.addListener(push);
        stream.setOnCancelHandler(() -> log.removeListener(push));
        push.accept(log.current());
    }

    @Override
    public void getClusterStatus(GetClusterStatusRequest request, StreamObserver<GetClusterStatusResponse> out) {
        leaderOnly(out, h -> GetClusterStatusResponse.newBuilder().setNotLeader(h).build(),
                () -> ClusterStatusProtos.toProto(driver.status(clock.getAsLong()), membership));
    }

    @Override
    public void listOperators(ListOperatorsRequest request, StreamObserver<ListOperatorsResponse> out) {
        leaderOnly(out, h -> ListOperatorsResponse.newBuilder().setNotLeader(h).build(), () -> {
            ListOperatorsResponse.Builder r = ListOperatorsResponse.newBuilder();
            for (Operator op : driver.status(clock.getAsLong()).operators()) {
                if (request.getIncludeFinished() || !op.finished()) {
                    r.addOperators(PlacementStateProtos.toProto(op));
                }
            }
            return r.build();
        });
    }

    @Override
    public void cancelOperator(CancelOperatorRequest request, StreamObserver<AdminReply> out) {
        admin(out, () -> List.of(driver.cancel(OperatorId.parse(request.getId()), clock.getAsLong())));
    }

    @Override
    public void moveReplica(MoveReplicaRequest request, StreamObserver<AdminReply> out) {
        admin(out, () -> List.of(driver.moveReplica(request.getShardId(), request.getFromStore(), request.getToStore(),
                clock.getAsLong())));
    }

    @Override
    public void transferLeader(TransferLeaderRequest request, StreamObserver<AdminReply> out) {
        admin(out, () -> List.of(driver.transferLeader(request.getShardId(), request.getToStore(), clock.getAsLong())));
    }

    @Override
    public void split(io.ringcache.proto.v1.SplitRequest request, StreamObserver<io.ringcache.proto.v1.SplitReply> out) {
        leaderOnly(out, h -> io.ringcache.proto.v1.SplitReply.newBuilder().setNotLeader(h).build(), () -> {
            int shard = request.getShardId();
            io.ringcache.placement.core.SplitPreview plan = driver.previewSplit(shard);
            io.ringcache.proto.v1.SplitReply.Builder r = io.ringcache.proto.v1.SplitReply.newBuilder()
                    .setChildShardId(plan.childShard()).setMovingSlots(plan.movingSlots()).setRingSlots(plan.ringSlots())
                    .setParentShareBefore(plan.parentShareBefore()).setParentShareAfter(plan.parentShareAfter())
                    .setChildShare(plan.childShare());
            if (!request.getDryRun()) {
                r.addOperators(PlacementStateProtos.toProto(driver.split(shard, clock.getAsLong())));
                wake.run();
            }
            return r.build();
        });
    }

    @Override
    public void drainStore(StoreRequest request, StreamObserver<AdminReply> out) {
        admin(out, () -> {
            driver.drain(request.getStoreId(), clock.getAsLong());
            LOG.info("store {} is draining", request.getStoreId());
            return List.of();
        });
    }

    @Override
    public void removeStore(StoreRequest request, StreamObserver<AdminReply> out) {
        admin(out, () -> {
            driver.removeStore(request.getStoreId(), clock.getAsLong());
            LOG.info("store {} removed", request.getStoreId());
            return List.of();
        });
    }

    @Override
    public void rebalance(RebalanceRequest request, StreamObserver<RebalanceResponse> out) {
        leaderOnly(out, h -> RebalanceResponse.newBuilder().setNotLeader(h).build(), () -> {
            List<Operator> plan = driver.rebalance(request.getMaxMoves(), request.getDryRun(), clock.getAsLong());
            if (!request.getDryRun()) {
                wake.run();
            }
            RebalanceResponse.Builder r = RebalanceResponse.newBuilder();
            plan.forEach(op -> r.addPlan(PlacementStateProtos.toProto(op)));
            return r.build();
        });
    }

    /**
     * One change to users, roles or auth. Turning auth on is refused while this placement driver
     * cannot tell members from clients (no TLS, or no {@code -tls_member_cn}): Raft and
     * store-to-store calls would stay open to anyone, so auth would only look safe.
     */
    @Override
    public void changeAccess(ChangeAccessRequest request, StreamObserver<AdminReply> out) {
        leaderOnly(out, h -> AdminReply.newBuilder().setNotLeader(h).build(), () -> {
            AccessChange change = AccessTableProtos.change(request);
            if (change instanceof AccessChange.Enable && !authPossible.isEmpty()) {
                throw new IllegalStateException(authPossible);
            }
            try {
                AccessTable next = driver.changeAccess(change);
                // Names and kinds only: hashes and digests stay out of the log.
                LOG.info("access changed by {}: {} {} {} (access revision {}, auth {})", GrpcCallerAuth.principal(),
                        request.getAction(), request.getUser(), request.getRole(), next.revision(),
                        next.enabled() ? "on" : "off");
            } catch (AccessChangeException e) {
                Status status = switch (e.kind()) {
                    case INVALID -> Status.INVALID_ARGUMENT;
                    case NOT_FOUND -> Status.NOT_FOUND;
                    case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
                    case PRECONDITION -> Status.FAILED_PRECONDITION;
                };
                throw status.withDescription(e.getMessage()).asRuntimeException();
            }
            return AdminReply.getDefaultInstance();
        });
    }

    @Override
    public void getAccess(GetAccessRequest request, StreamObserver<GetAccessResponse> out) {
        leaderOnly(out, h -> GetAccessResponse.newBuilder().setNotLeader(h).build(),
                () -> GetAccessResponse.newBuilder().setAccess(AccessTableProtos.view(log.current().access())).build());
    }

    private void admin(StreamObserver<AdminReply> out, Call<List<Operator>> call) {
        leaderOnly(out, h -> AdminReply.newBuilder().setNotLeader(h).build(), () -> {
            List<Operator> ops = call.run();
            wake.run();
            AdminReply.Builder r = AdminReply.newBuilder();
            ops.forEach(op -> r.addOperators(PlacementStateProtos.toProto(op)));
            return r.build();
        });
    }

    private <T> void leaderOnly(StreamObserver<T> out, Function<NotPlacementLeader, T> notLeader, Call<T> call) {
        if (!membership.isReadyLeader()) {
            Optional<PdMember> leader = membership.leader();
            out.onNext(notLeader.apply(NotPlacementLeader.newBuilder()
                    .setLeaderId(leader.map(PdMember::id).orElse(""))
                    .setLeaderAddress(leader.map(PdMember::grpcAddress).orElse("")).build()));
            out.onCompleted();
            return;
        }
        T reply;
        try {
            reply = call.run();
        } catch (NotPlacementLeaderException e) {
            reply = notLeader.apply(NotPlacementLeader.newBuilder().setLeaderId(e.leaderId())
                    .setLeaderAddress(e.leaderAddress()).build());
        } catch (io.grpc.StatusRuntimeException e) {
            out.onError(e);
            return;
        } catch (IllegalArgumentException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
            return;
        } catch (IllegalStateException e) {
            out.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asException());
            return;
        } catch (IOException e) {
            out.onError(Status.UNAVAILABLE.withDescription("placement state could not be committed: " + e.getMessage())
                    .asException());
            return;
        }
        out.onNext(reply);
        out.onCompleted();
    }

    private static StoreReport.Role role(ShardStats s) {
        switch (s.getRole()) {
            case REPLICA_ROLE_LEADER: return StoreReport.Role.LEADER;
            case REPLICA_ROLE_LEARNER: return StoreReport.Role.LEARNER;
            case REPLICA_ROLE_CANDIDATE: return StoreReport.Role.CANDIDATE;
            default: return StoreReport.Role.FOLLOWER;
        }
    }

    private static Error invalid(String message) {
        return Error.newBuilder().setInvalidArgument(InvalidArgument.newBuilder().setMessage(message)).build();
    }
}
