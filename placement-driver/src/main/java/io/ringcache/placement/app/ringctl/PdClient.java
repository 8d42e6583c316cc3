package io.ringcache.placement.app.ringctl;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ringcache.proto.v1.AdminReply;
import io.ringcache.proto.v1.CancelOperatorRequest;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.GetClusterStatusRequest;
import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.ListOperatorsRequest;
import io.ringcache.proto.v1.ListOperatorsResponse;
import io.ringcache.proto.v1.MoveReplicaRequest;
import io.ringcache.proto.v1.NotPlacementLeader;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.PlacementDriverGrpc.PlacementDriverBlockingStub;
import io.ringcache.proto.v1.RebalanceRequest;
import io.ringcache.proto.v1.RebalanceResponse;
import io.ringcache.proto.v1.StoreRequest;
import io.ringcache.proto.v1.TransferLeaderRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The PD as ringctl sees it: a list of member addresses (seeds), admin calls sent to the leader.
 *
 * <p>Admin calls go to the last known leader, else to the seeds in order. A member that is not the
 * leader answers with {@code not_leader}; the call is then re-sent to {@code leader_address}, at
 * most {@link #MAX_HOPS} redirects per seed. A seed that is unreachable (UNAVAILABLE) is skipped
 * for the next. gRPC refusals (INVALID_ARGUMENT, FAILED_PRECONDITION, ...) become exit code 1,
 * an unreachable PD or one without a leader exit code 3.
 */
final class PdClient implements AutoCloseable {

    static final int MAX_HOPS = 5;

    private final List<String> seeds;
    private final Function<String, ManagedChannel> channelFactory;
    private final Duration rpcTimeout;
    private final long deadlineNanos;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private String leader;
    private final io.grpc.ClientInterceptor signIn;

    /**
     * @param rpcTimeout the deadline of one call
     * @param overall    calls are not started, and deadlines not set, past this much time from now
     */
    PdClient(List<String> seeds, Function<String, ManagedChannel> channelFactory, Duration rpcTimeout, Duration overall) {
        this(seeds, channelFactory, rpcTimeout, overall, null);
    }

    /** @param authorization the {@code authorization} metadata of every call (Basic or Bearer), or null */
    PdClient(List<String> seeds, Function<String, ManagedChannel> channelFactory, Duration rpcTimeout, Duration overall,
             String authorization) {
        if (authorization == null) {
            this.signIn = null;
        } else {
            io.grpc.Metadata headers = new io.grpc.Metadata();
            headers.put(io.grpc.Metadata.Key.of(io.ringcache.placement.api.AuthorizationHeader.NAME, io.grpc.Metadata.ASCII_STRING_MARSHALLER), authorization);
            this.signIn = io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
        }
        this.seeds = List.copyOf(seeds);
        this.channelFactory = channelFactory;
        this.rpcTimeout = rpcTimeout;
        this.deadlineNanos = System.nanoTime() + overall.toNanos();
    }

    /** The address of the PD leader once a call reached it, else null. */
    String leaderAddress() {
        return leader;
    }

    /** Nanoseconds left of the overall time budget (may be negative). */
    long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    GetClusterStatusResponse status() {
        return leaderCall("GetClusterStatus", s -> s.getClusterStatus(GetClusterStatusRequest.getDefaultInstance()),
                r -> r.hasNotLeader() ? r.getNotLeader() : null, r -> r.hasError() ? r.getError() : null);
    }

    ListOperatorsResponse operators(boolean includeFinished) {
        ListOperatorsRequest req = ListOperatorsRequest.newBuilder().setIncludeFinished(includeFinished).build();
        return leaderCall("ListOperators", s -> s.listOperators(req),
                r -> r.hasNotLeader() ? r.getNotLeader() : null, r -> r.hasError() ? r.getError() : null);
    }

    AdminReply cancel(String operatorId) {
        CancelOperatorRequest req = CancelOperatorRequest.newBuilder().setId(operatorId).build();
        return admin("CancelOperator", s -> s.cancelOperator(req));
    }

    AdminReply moveReplica(int shard, String from, String to) {
        MoveReplicaRequest req = MoveReplicaRequest.newBuilder().setShardId(shard).setFromStore(from).setToStore(to).build();
        return admin("MoveReplica", s -> s.moveReplica(req));
    }

    AdminReply transferLeader(int shard, String to) {
        TransferLeaderRequest req = TransferLeaderRequest.newBuilder().setShardId(shard).setToStore(to).build();
        return admin("TransferLeader", s -> s.transferLeader(req));
    }

    io.ringcache.proto.v1.SplitReply split(int shard, boolean dryRun) {
        io.ringcache.proto.v1.SplitRequest req = io.ringcache.proto.v1.SplitRequest.newBuilder().setShardId(shard)
                .setDryRun(dryRun).build();
        return leaderCall("Split", s -> s.split(req),
                r -> r.hasNotLeader() ? r.getNotLeader() : null, r -> r.hasError() ? r.getError() : null);
    }

    AdminReply drainStore(String store) {
        StoreRequest req = StoreRequest.newBuilder().setStoreId(store).build();
        return admin("DrainStore", s -> s.drainStore(req));
    }

    AdminReply removeStore(String store) {
        StoreRequest req = StoreRequest.newBuilder().setStoreId(store).build();
        return admin("RemoveStore", s -> s.removeStore(req));
    }

    RebalanceResponse rebalance(boolean dryRun, int maxMoves) {
        RebalanceRequest req = RebalanceRequest.newBuilder().setDryRun(dryRun).setMaxMoves(maxMoves).build();
        return leaderCall("Rebalance", s -> s.rebalance(req),
                r -> r.hasNotLeader() ? r.getNotLeader() : null, r -> r.hasError() ? r.getError() : null);
    }

    AdminReply changeAccess(io.ringcache.proto.v1.ChangeAccessRequest request) {
        return admin("ChangeAccess", s -> s.changeAccess(request));
    }

    io.ringcache.proto.v1.AccessTable access() {
        return leaderCall("GetAccess", s -> s.getAccess(io.ringcache.proto.v1.GetAccessRequest.getDefaultInstance()),
                r -> r.hasNotLeader() ? r.getNotLeader() : null, r -> r.hasError() ? r.getError() : null).getAccess();
    }

    /** The partition map from any member (the leader if known, else the first seed that answers). */
    GetPartitionMapResponse partitionMap() {
        StatusRuntimeException lastUnreachable = null;
        String lastAddress = null;
        for (String address : candidates()) {
            try {
                GetPartitionMapResponse r = stub(address).getPartitionMap(GetPartitionMapRequest.getDefaultInstance());
                if (r.hasError()) {
                    throw fromError(r.getError());
                }
                return r;
            } catch (StatusRuntimeException e) {
                if (!unreachable(e)) {
                    throw refusal("GetPartitionMap", address, e);
                }
                lastUnreachable = e;
                lastAddress = address;
            }
        }
        throw unreachableError(lastAddress, lastUnreachable);
    }

    private AdminReply admin(String method, Function<PlacementDriverBlockingStub, AdminReply> call) {
        return leaderCall(method, call, r -> r.hasNotLeader() ? r.getNotLeader() : null, r -> r.hasError() ? r.getError() : null);
    }

    private <R> R leaderCall(String method, Function<PlacementDriverBlockingStub, R> call,
                             Function<R, NotPlacementLeader> notLeader, Function<R, Error> error) {
        StatusRuntimeException lastUnreachable = null;
        String lastAddress = null;
        String noLeaderAt = null;
        for (String seed : candidates()) {
            String address = seed;
            for (int hops = 0; ; hops++) {
                R reply;
                try {
                    reply = call.apply(stub(address));
                } catch (StatusRuntimeException e) {
                    if (!unreachable(e)) {
                        throw refusal(method, address, e);
                    }
                    lastUnreachable = e;
                    lastAddress = address;
                    if (address.equals(leader)) {
                        leader = null;
                    }
                    break;
                }
                NotPlacementLeader hint = notLeader.apply(reply);
                if (hint == null) {
                    leader = address;
                    Error e = error.apply(reply);
                    if (e != null && e.getKindCase() != Error.KindCase.KIND_NOT_SET) {
                        throw fromError(e);
                    }
                    return reply;
                }
                if (hint.getLeaderAddress().isEmpty()) {
                    noLeaderAt = address;
                    break;
                }
                if (hops + 1 > MAX_HOPS) {
                    throw RingctlException.unreachable("no PD leader found: gave up after " + MAX_HOPS
                            + " leader redirects (last: " + address + " -> " + hint.getLeaderAddress() + ")");
                }
                address = hint.getLeaderAddress();
            }
        }
        if (noLeaderAt != null) {
            throw RingctlException.unreachable("the PD has no leader right now (" + noLeaderAt
                    + " knows none; election in progress?); try again");
        }
        throw unreachableError(lastAddress, lastUnreachable);
    }

    private List<String> candidates() {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        if (leader != null) {
            out.add(leader);
        }
        out.addAll(seeds);
        return new ArrayList<>(out);
    }

    private PlacementDriverBlockingStub stub(String address) {
        long remaining = remainingNanos();
        if (remaining <= 0) {
            throw RingctlException.unreachable("the PD did not answer within the time limit (--timeout)");
        }
        ManagedChannel channel = channels.computeIfAbsent(address, channelFactory);
        PlacementDriverBlockingStub stub = PlacementDriverGrpc.newBlockingStub(channel);
        return (signIn == null ? stub : stub.withInterceptors(signIn))
                .withDeadlineAfter(Math.min(remaining, rpcTimeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    private static boolean unreachable(StatusRuntimeException e) {
        Status.Code c = e.getStatus().getCode();
        return c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED;
    }

    private RingctlException unreachableError(String address, StatusRuntimeException e) {
        String detail = e == null ? "" : ": " + describe(e);
        String where = seeds.size() > 1 || address == null ? String.join(",", seeds) : address;
        return RingctlException.unreachable("PD unreachable at " + where + detail);
    }

    private static RingctlException refusal(String method, String address, StatusRuntimeException e) {
        Status.Code c = e.getStatus().getCode();
        if (c == Status.Code.UNIMPLEMENTED) {
            return RingctlException.refused("the PD at " + address + " does not implement " + method + " (older version?)");
        }
        String desc = e.getStatus().getDescription();
        if (desc == null || desc.isBlank()) {
            return RingctlException.refused(method + " refused by the PD: " + c);
        }
        if (c == Status.Code.UNAUTHENTICATED) {
            // Either no (or wrong) credentials, or no client certificate where one is needed: say which fix applies.
            boolean certificate = desc.contains("certificate");
            return RingctlException.refused("not signed in (UNAUTHENTICATED): " + Fmt.oneLine(desc)
                    + (certificate ? " (use --tls-cert and --tls-key)" : " (use --user or --token-file)"));
        }
        if (c == Status.Code.PERMISSION_DENIED) {
            return RingctlException.refused("permission denied: " + Fmt.oneLine(desc));
        }
        if (c == Status.Code.INVALID_ARGUMENT || c == Status.Code.FAILED_PRECONDITION || c == Status.Code.NOT_FOUND
                || c == Status.Code.ALREADY_EXISTS || c == Status.Code.OUT_OF_RANGE) {
            return RingctlException.refused(Fmt.oneLine(desc));
        }
        return RingctlException.refused(method + " failed: " + c + ": " + Fmt.oneLine(desc));
    }

    private static String describe(StatusRuntimeException e) {
        Status s = e.getStatus();
        StringBuilder b = new StringBuilder();
        if (s.getDescription() != null) {
            b.append(Fmt.oneLine(s.getDescription()));
        } else {
            b.append(s.getCode());
        }
        Throwable cause = s.getCause();
        while (cause != null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause != null && cause.getMessage() != null && !b.toString().contains(cause.getMessage())) {
            // Netty's native transport says "finishConnect(..) failed with error(-111): Connection refused".
            String m = Fmt.oneLine(cause.getMessage()).replaceFirst("^.*failed with error\\(-?\\d+\\): ", "");
            b.append(" (").append(m).append(')');
        }
        return b.toString();
    }

    /** A typed error in a reply (the server is expected to use gRPC status, but may fill this in). */
    private static RingctlException fromError(Error e) {
        return switch (e.getKindCase()) {
            case INVALID_ARGUMENT -> RingctlException.refused(Fmt.oneLine(e.getInvalidArgument().getMessage()));
            case UNAVAILABLE -> RingctlException.unreachable("PD unavailable: " + Fmt.oneLine(e.getUnavailable().getMessage()));
            case SHARD_NOT_FOUND -> RingctlException.refused("no shard " + Integer.toUnsignedString(e.getShardNotFound().getShardId()));
            case RESOURCE_EXHAUSTED -> RingctlException.refused(Fmt.oneLine(e.getResourceExhausted().getMessage()));
            default -> RingctlException.refused("PD error: " + Fmt.oneLine(e.toString()));
        };
    }

    @Override
    public void close() {
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
