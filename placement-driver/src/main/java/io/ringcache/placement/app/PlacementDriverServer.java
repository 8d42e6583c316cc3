package io.ringcache.placement.app;

import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.placement.adapter.grpc.GrpcStepExecutor;
import io.ringcache.placement.adapter.grpc.PlacementDriverService;
import io.ringcache.placement.api.StoreChannels;
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
        this.service = new PlacementDriverService(driver, log, log, System::currentTimeMillis, loop::wake);
    }

    public PlacementDriverServer start() throws IOException {
        log.start();
        loop.start();
        return this;
    }

    /**
     * The gRPC service. On TLS, a store's calls (RegisterStore, StoreHeartbeat) need a member's
     * certificate and the operators' calls that change placement (move, transfer, split, drain,
     * remove, rebalance, cancel) a certificate from the CA; reading the map and the status needs none.
     */
    public io.grpc.ServerServiceDefinition service() {
        return io.grpc.ServerInterceptors.intercept(service,
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
