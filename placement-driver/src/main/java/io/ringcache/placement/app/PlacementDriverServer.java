package io.ringcache.placement.app;

import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.placement.adapter.grpc.GrpcStepExecutor;
import io.ringcache.placement.adapter.grpc.PlacementDriverService;
import io.ringcache.placement.api.Argon2Secrets;
import io.ringcache.placement.api.GrpcCallerAuth;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.core.access.Authenticator;
import io.ringcache.placement.core.PdMember;
import io.ringcache.placement.adapter.ratis.RatisPlacementLog;
import io.ringcache.placement.core.PlacementDriver;
import io.ringcache.placement.core.SchedulingConfig;
import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * One placement driver member, composed: its Raft-replicated state, the driver, the scheduling
 * loop and the gRPC service. The standalone {@code ringcache-pd} process and the store node's
 * embedded PD ({@code -bootstrap}) both run exactly this; the caller serves {@link #service()} on
 * its gRPC server.
 */
public final class PlacementDriverServer implements AutoCloseable {

    private final RatisPlacementLog log;
    private final StoreChannels channels;
    private final io.ringcache.transport.TransportTls tls;
    private final PlacementDriver driver;
    private final PlacementLoop loop;
    private final PlacementDriverService service;
    private volatile java.util.function.Consumer<String> authRefusals = reason -> { };

    public PlacementDriverServer(PdMember self, List<PdMember> members, File dir, SchedulingConfig config,
                                 long electionMinMillis) {
        this(self, members, dir, config, electionMinMillis, null);
    }

    /** @param tls TLS for the member's Raft traffic and its calls to stores, or null for plaintext */
    public PlacementDriverServer(PdMember self, List<PdMember> members, File dir, SchedulingConfig config,
                                 long electionMinMillis, io.ringcache.transport.TransportTls tls) {
        this.tls = tls;
        this.channels = new StoreChannels(tls);
        this.log = new RatisPlacementLog(self, members, dir, electionMinMillis, tls);
        this.driver = new PlacementDriver(log, config);
        this.loop = new PlacementLoop(driver, log, new GrpcStepExecutor(channels), System::currentTimeMillis, 500);
        this.service = new PlacementDriverService(driver, log, log, System::currentTimeMillis, loop::wake, authPossible(tls));
    }

    /** Why auth cannot be turned on with this TLS setting; empty when it can. */
    static String authPossible(io.ringcache.transport.TransportTls tls) {
        if (tls == null) {
            return "auth needs TLS: start every placement driver and store with -tls_cert, -tls_key and -tls_ca, so"
                    + " that cluster members are told from clients (without it Raft and store-to-store calls stay open)";
        }
        if (!tls.namesMembers()) {
            return "auth needs -tls_member_cn: without member names every certificate from the CA counts as a"
                    + " member's and would pass by users and roles";
        }
        return "";
    }

    /** Where refusals of this member's calls go ("unauthenticated" or "permission_denied"), for a metric. */
    public PlacementDriverServer onAuthRefusal(java.util.function.Consumer<String> refusals) {
        this.authRefusals = refusals;
        return this;
    }

    public PlacementDriverServer start() throws IOException {
        log.start();
        loop.start();
        return this;
    }

    /**
     * The gRPC service. On TLS, a store's calls (RegisterStore, StoreHeartbeat) need a member's
     * certificate and the operators' calls that change placement (move, transfer, split, drain,
     * remove, rebalance, cancel) a certificate from the CA. With auth on, reading the map and the
     * status needs a signed-in user, and every change (placement or access) a user with admin.
     */
    public io.grpc.ServerServiceDefinition service() {
        GrpcCallerAuth callers = callerAuth(() -> log.current().access(), tls, reason -> authRefusals.accept(reason));
        return io.grpc.ServerInterceptors.intercept(service, callers,
                io.ringcache.transport.PeerOnly.members(tls, java.util.Set.of(
                        PlacementDriverGrpc.getRegisterStoreMethod().getFullMethodName(),
                        PlacementDriverGrpc.getStoreHeartbeatMethod().getFullMethodName())),
                io.ringcache.transport.PeerOnly.certified(tls, java.util.Set.of(
                        PlacementDriverGrpc.getCancelOperatorMethod().getFullMethodName(),
                        PlacementDriverGrpc.getMoveReplicaMethod().getFullMethodName(),
                        PlacementDriverGrpc.getTransferLeaderMethod().getFullMethodName(),
                        PlacementDriverGrpc.getSplitMethod().getFullMethodName(),
                        PlacementDriverGrpc.getDrainStoreMethod().getFullMethodName(),
                        PlacementDriverGrpc.getRemoveStoreMethod().getFullMethodName(),
                        PlacementDriverGrpc.getRebalanceMethod().getFullMethodName())));
    }

    /**
     * Auth for the PD's calls: registration and heartbeats are guarded by member certificates
     * ({@code PeerOnly}); reading the map, the status and the operators needs a signed-in user;
     * everything else (placement operations, access changes) a user with admin.
     */
    public static GrpcCallerAuth callerAuth(java.util.function.Supplier<io.ringcache.placement.core.access.AccessTable> table,
                                            io.ringcache.transport.TransportTls tls,
                                            java.util.function.Consumer<String> refusals) {
        java.util.Map<String, GrpcCallerAuth.Need> needs = new java.util.HashMap<>();
        for (var m : List.of(PlacementDriverGrpc.getRegisterStoreMethod(), PlacementDriverGrpc.getStoreHeartbeatMethod())) {
            needs.put(m.getFullMethodName(), GrpcCallerAuth.Need.NOTHING);
        }
        for (var m : List.of(PlacementDriverGrpc.getGetPartitionMapMethod(), PlacementDriverGrpc.getWatchPartitionMapMethod(),
                PlacementDriverGrpc.getGetClusterStatusMethod(), PlacementDriverGrpc.getListOperatorsMethod())) {
            needs.put(m.getFullMethodName(), GrpcCallerAuth.Need.SIGNED_IN);
        }
        return new GrpcCallerAuth(table, new Authenticator(new Argon2Secrets()), tls, System::currentTimeMillis, needs,
                GrpcCallerAuth.Need.ADMIN, refusals);
    }

    public RatisPlacementLog log() {
        return log;
    }

    public PlacementDriver driver() {
        return driver;
    }

    @Override
    public void close() throws IOException {
        loop.close();
        channels.close();
        log.close();
    }
}
