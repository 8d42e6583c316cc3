package io.ringcache.node.app;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.ringcache.node.adapter.grpc.GrpcShardForwarder;
import io.ringcache.node.adapter.grpc.KvService;
import io.ringcache.node.adapter.raft.RatisLocalShards;
import io.ringcache.node.adapter.time.ScheduledPacer;
import io.ringcache.node.core.RequestPath;
import io.ringcache.node.core.Router;
import io.ringcache.node.adapter.http.HttpSettings;
import io.ringcache.node.adapter.resp.RespServer;
import io.ringcache.node.adapter.grpc.PlacementClient;
import io.ringcache.node.adapter.grpc.StoreAdminService;
import io.ringcache.node.adapter.metrics.NodeMetrics;
import io.ringcache.node.adapter.raft.GroupCommitWriter;
import io.ringcache.node.core.CurrentMap;
import io.ringcache.node.core.HostPort;
import io.grpc.util.MutableHandlerRegistry;
import io.ringcache.node.adapter.metrics.ShardOps;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.core.PdMember;
import io.ringcache.placement.app.PlacementDriverServer;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.SchedulingConfig;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.shard.adapter.chronicle.ChronicleShardStore;
import io.ringcache.shard.adapter.ratis.RatisTuning;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.node.core.StoreMemory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store process: the Raft host with its shard replicas, the gRPC services (KV, store admin,
 * and the placement driver when this node bootstrapped the cluster), the HTTP API, and the link
 * to placement. The composition root: everything is wired here and nowhere else.
 */
public final class StoreNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreNode.class);
    /** The exit code of a store whose Raft log failed (sysexits' EX_IOERR). */
    static final int EXIT_LOG_FAILED = 74;
    /** A file holding the rate of the clock read leases run on ({@link RateFileClock}); fault testing only. */
    static final String LEASE_CLOCK_FILE = "ringcache.fault.lease_clock_file";
    private static final java.util.concurrent.atomic.AtomicBoolean LOG_FAILED = new java.util.concurrent.atomic.AtomicBoolean();
    private static final long LEADER_HANDOFF_MILLIS = 10_000;

    private final NodeOptions options;
    private final CurrentMap currentMap = new CurrentMap();
    /** TLS for every port and connection, or null (plaintext, development only); loaded by {@link #start}. */
    private io.ringcache.transport.TransportTls tls;
    /** The access table this store enforces, from placement (null inside until it first arrives). */
    private final io.ringcache.node.core.AccessRules access = new io.ringcache.node.core.AccessRules();
    private StoreChannels channels;
    private ShardGroupHost host;
    private Server grpc;
    private NodeMetrics metrics;
    private PlacementDriverServer pd;
    /** Volatile: a replica's election reads it on a Ratis thread ({@code onLeaderChange}). */
    private volatile PlacementClient placementClient;
    private StoreHttp http;
    private StoreInfo self;
    private GroupCommitWriter writer;
    private ScheduledPacer pacer;
    private RequestPath requests;
    private RespServer resp;
    private int redisPort = -1;
    /** Set once the Raft host and the placement link exist; /ready answers false before. */
    private volatile StoreReadiness readiness;

    StoreNode(NodeOptions options) {
        this.options = options;
    }

    StoreNode start() throws IOException {
        HostPort raftAddr = HostPort.parse(options.raftAddr);
        HostPort grpcAddr = HostPort.parse(options.grpcAddr);
        HostPort httpAddr = HostPort.parse(options.httpAddr);
        String advertiseHost = advertiseHost(raftAddr);
        Path dir = options.raftDir.toAbsolutePath();
        Files.createDirectories(dir);
        tls = options.tls.load(true).orElse(null);
        LOG.info("store {}: {}", options.nodeId, options.tls.describe());
        channels = new StoreChannels(tls);

        long budget = options.shardMemoryMb << 20;
        StoreMemory memory = options.storeMemory(io.ringcache.node.adapter.os.MachineMemory.totalBytes());
        LOG.info("store {}: {} MiB for shard replicas, {} MiB each: at most {} replicas", options.nodeId,
                memory.budgetBytes() >> 20, budget >> 20, memory.maxReplicas());
        ShardLimits limits = new ShardLimits(ShardLimits.DEFAULT_MAX_KEY_BYTES, options.maxValueBytes, budget,
                options.evictionPolicy());
        RatisTuning tuning = RatisTuning.defaults(dir.resolve("groups").toFile()).withPort(raftAddr.port())
                .withElectionTimeouts(options.electionTimeout(), options.electionTimeout().multipliedBy(2))
                .withLeaderLease(options.leaderLease);
        host = new ShardGroupHost(options.nodeId, tuning, shard -> ChronicleShardStore.forBudget(budget), limits,
                System::currentTimeMillis).onLogFailure(StoreNode::logFailed).onLeaderChange(
                new io.ringcache.node.adapter.raft.LeaderNews(currentMap.changes(), () -> placementClient));
        String leaseClockFile = System.getProperty(LEASE_CLOCK_FILE);
        if (leaseClockFile != null) {
            LOG.warn("read leases run on a clock whose rate {} sets (-D{}: fault testing only)", leaseClockFile, LEASE_CLOCK_FILE);
            host.leaseClock(new RateFileClock(Path.of(leaseClockFile), System::nanoTime));
        }
        if (tls != null) {
            host.peerTls(tls);
        }
        host.start();
        host.splits().peerCopiesThrough(new io.ringcache.node.adapter.grpc.GrpcPeerSplitCopies(currentMap, channels));
        io.ringcache.node.adapter.raft.HostCacheStats cacheStats = new io.ringcache.node.adapter.raft.HostCacheStats(
                host, memory.budgetBytes(), limits.evictionPolicy().redisName());
        io.ringcache.node.adapter.raft.HostHotKeys hotKeys = new io.ringcache.node.adapter.raft.HostHotKeys(host);
        metrics = new NodeMetrics(host, cacheStats, hotKeys);

        writer = new GroupCommitWriter(host, metrics::commitBatch);
        // A linearizable read on a leader waits for a barrier entry (ShardGroupHost.query); under
        // writes it rides in the next write batch.
        host.readBarriersThrough(shard -> writer.write(shard, ShardGroupHost.READ_BARRIER, 0));
        ShardOps ops = new ShardOps();
        pacer = new ScheduledPacer();
        RatisLocalShards localShards = new RatisLocalShards(host, writer, metrics::readRound);
        GrpcShardForwarder.LeaderLookup leaders = shard -> currentMap.get()
                .flatMap(map -> Router.leader(map, shard, localShards))
                .map(s -> new GrpcShardForwarder.Target(s.id(), s.grpcAddress()));
        requests = new RequestPath(currentMap, localShards, new GrpcShardForwarder(channels, leaders),
                pacer, limits, ops::record);
        // Users, roles and auth: placement's access table, enforced at every front door.
        io.ringcache.placement.api.Argon2Secrets secrets = new io.ringcache.placement.api.Argon2Secrets();
        io.ringcache.node.adapter.auth.Doorkeeper doorkeeper = new io.ringcache.node.adapter.auth.Doorkeeper(access, secrets,
                tls, System::currentTimeMillis, metrics::authRefusal);
        KvService kv = new KvService(requests, host, limits, access, reason -> metrics.authRefusal("grpc", reason));
        java.util.Map<String, io.ringcache.placement.api.GrpcCallerAuth.Need> needs = java.util.Map.of(
                io.ringcache.proto.v1.KvGrpc.getExecuteMethod().getFullMethodName(), io.ringcache.placement.api.GrpcCallerAuth.Need.NOTHING,
                io.ringcache.proto.v1.KvGrpc.getQueryMethod().getFullMethodName(), io.ringcache.placement.api.GrpcCallerAuth.Need.NOTHING);
        io.ringcache.placement.api.GrpcCallerAuth callers = new io.ringcache.placement.api.GrpcCallerAuth(access::get,
                new io.ringcache.placement.core.access.Authenticator(secrets), tls, System::currentTimeMillis, needs,
                io.ringcache.placement.api.GrpcCallerAuth.Need.KEYS, reason -> metrics.authRefusal("grpc", reason));
        // Store-to-store calls (Execute, Query) and placement's calls (StoreAdmin) are for members only.
        NettyServerBuilder builder = (tls == null ? NettyServerBuilder.forAddress(bindAddress(grpcAddr))
                : NettyServerBuilder.forAddress(bindAddress(grpcAddr), tls.serverCredentials()))
                .maxInboundMessageSize(options.maxValueBytes + (8 << 20))
                .permitKeepAliveTime(io.ringcache.transport.PeerChannel.PERMIT_KEEPALIVE_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
                // The last interceptor runs first: metrics sees (and counts) PeerOnly's refusals.
                .addService(ServerInterceptors.intercept(kv, callers, io.ringcache.transport.PeerOnly.members(
                        tls, java.util.Set.of(io.ringcache.proto.v1.KvGrpc.getExecuteMethod().getFullMethodName(),
                                io.ringcache.proto.v1.KvGrpc.getQueryMethod().getFullMethodName())), metrics.grpcInterceptor()))
                .addService(ServerInterceptors.intercept(new StoreAdminService(host, memory, tuning.leaderTransferTimeout()),
                        io.ringcache.transport.PeerOnly.members(tls), metrics.grpcInterceptor()));

        String raftAdvertised = advertised(options.raftAdvertise, advertiseHost, raftAddr, host.raftPort());
        // With -bootstrap the placement driver runs in this process, on this node's gRPC port; it is
        // created once the node's own addresses are known, so it joins the server's registry later.
        MutableHandlerRegistry late = new MutableHandlerRegistry();
        builder.fallbackHandlerRegistry(late);
        grpc = builder.build().start();
        http = new StoreHttp(this, requests, limits, new io.ringcache.node.adapter.http.HotKeysEndpoint(options.nodeId, hotKeys::top),
                doorkeeper);
        int httpPort = http.start(bindAddress(httpAddr),
                tls == null ? null : io.ringcache.node.adapter.netty.NettyTls.forHttp(tls, metrics.tlsRefusals("http")));
        if (!options.redisAddr.isBlank()) {
            resp = new RespServer(requests, options.nodeId, limits.maxValueBytes(), HttpSettings.DEFAULT_KV_DEADLINE,
                    System::currentTimeMillis, cacheStats, doorkeeper);
            redisPort = resp.start(bindAddress(HostPort.parse(options.redisAddr)),
                    tls == null ? null : io.ringcache.node.adapter.netty.NettyTls.forResp(tls, metrics.tlsRefusals("resp")));
        }

        self = new StoreInfo(options.nodeId, httpAdvertised(advertiseHost, grpcAddr, grpc.getPort()),
                httpAdvertised(advertiseHost, httpAddr, httpPort), raftAdvertised, options.labelMap(), StoreState.UP);

        List<String> pdAddresses;
        if (options.bootstrap) {
            // The embedded placement driver: a one-member PD group (its Raft on a free port of its own).
            PdMember member = new PdMember(options.nodeId, advertiseHost + ":0", self.grpcAddress());
            pd = new PlacementDriverServer(member, List.of(member), dir.resolve("placement").toFile(),
                    SchedulingConfig.defaults(options.shardCount()), 1_000, tls)
                    .onAuthRefusal(reason -> metrics.authRefusal("pd", reason)).start();
            late.addService(pd.service());
            pdAddresses = List.of(self.grpcAddress());
        } else if (!options.join.isEmpty()) {
            pdAddresses = List.of(StoreHttp.joinThrough(options.join, self, tls));
        } else if (!options.pd.isEmpty()) {
            pdAddresses = NodeOptions.pdList(options.pd);
        } else {
            throw new IllegalArgumentException("a node needs -bootstrap, -join HTTP_ADDR or -pd GRPC_ADDR[,...]");
        }
        placementClient = new PlacementClient(pdAddresses, channels, self, host, currentMap, ops, memory, this::hostNewClusterShards)
                .enforcing(access).start(60_000);
        readiness = new StoreReadiness(options.nodeId, host, currentMap, placementClient::registered);
        LOG.info("store {} up: http {}, grpc {}, raft {}, placement {}", self.id(), self.httpAddress(),
                self.grpcAddress(), self.raftAddress(), pdAddresses);
        return this;
    }

    /**
     * Creates the groups of shards whose only replica is this store: the first store of a new
     * cluster gets every shard. A restarted store recovers its groups from disk instead.
     */
    private void hostNewClusterShards(PartitionMap map) {
        for (ShardInfo s : map.shardsOn(self.id())) {
            if (s.replicas().equals(List.of(self.id())) && host.role(s.id()) == ShardGroupHost.Role.NOT_HOSTED) {
                try {
                    host.addShard(s.id(), List.of(new ShardGroupHost.Replica(self.id(), self.raftAddress())));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot create shard " + s.id() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    // ---- what the HTTP adapter needs ----

    String clusterJson() {
        return ClusterJson.render(currentMap.get(), options.nodeId,
                placementClient == null ? "" : placementClient.pdAddress(), host);
    }

    /** What {@code /ready} answers ({@link StoreReadiness}); blocks for at most a second. */
    boolean ready() {
        StoreReadiness r = readiness;
        return r != null && r.ready();
    }

    String metrics() {
        io.ringcache.placement.core.access.AccessTable table = access.get();
        return metrics.scrape(table != null && !table.enabled());
    }

    /** Registers another store with placement on its behalf (the seed's /join). */
    String join(StoreInfo store) {
        String address = placementClient != null ? placementClient.pdAddress() : (pd != null ? self.grpcAddress() : "");
        if (address.isEmpty()) {
            throw new IllegalStateException("this node is not connected to placement yet");
        }
        StoreHttp.register(channels, address, store);
        return address;
    }

    String pdAddress() {
        return placementClient == null ? "" : placementClient.pdAddress();
    }

    StoreInfo self() {
        return self;
    }

    /** Hands every leadership this store holds to another replica, all shards at once, within a bounded time. */
    void handOffLeaders() {
        List<Integer> kept = host.handOffLeaders(Duration.ofMillis(LEADER_HANDOFF_MILLIS));
        if (!kept.isEmpty()) {
            LOG.warn("shards {} still led here after the hand-off; they step down on close", kept);
        }
    }

    /** The port the Redis protocol listens on, or -1 when it is off. */
    public int redisPort() {
        return redisPort;
    }

    @Override
    public void close() {
        if (host != null) {
            handOffLeaders();
        }
        closeQuietly(http);
        closeQuietly(resp);
        closeQuietly(placementClient);
        closeQuietly(pd);
        if (grpc != null) {
            grpc.shutdown();
            try {
                grpc.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            grpc.shutdownNow();
        }
        closeQuietly(channels);
        closeQuietly(tls);
        closeQuietly(pacer);
        if (writer != null) {
            writer.close();
        }
        closeQuietly(metrics);
        closeQuietly(host);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.getMessage());
        }
    }

    /**
     * A shard's Raft log failed to write or sync (a full or failing disk). Ratis takes no further
     * entry into that log until the process restarts, so the replica would sit in its group unable
     * to vote or append. The store stops at once, like a crash, and its supervisor (Kubernetes,
     * systemd, the fault suite) restarts it from its disk, as etcd and TiKV do on a WAL write
     * error. A crash is what Raft is built to survive: nothing acknowledged is lost (only fsynced
     * entries were acknowledged) and the other replicas keep serving. No graceful stop: it would
     * write snapshots and logs to the disk that just failed.
     */
    private static void logFailed(int shard, Throwable cause) {
        if (LOG_FAILED.compareAndSet(false, true)) {
            LOG.error("shard {}: the Raft log failed ({}); the store exits with code {} to restart from its disk", shard, cause,
                    EXIT_LOG_FAILED);
            new Thread(() -> Runtime.getRuntime().halt(EXIT_LOG_FAILED), "raft-log-failed-exit").start();
        }
    }

    private static InetSocketAddress bindAddress(HostPort hp) {
        return hp.anyHost() ? new InetSocketAddress(hp.port()) : new InetSocketAddress(hp.host(), hp.port());
    }

    private String advertiseHost(HostPort raftAddr) {
        if (!options.raftAdvertise.isEmpty()) {
            String a = options.raftAdvertise;
            return a.contains(":") && !a.startsWith("[") && a.indexOf(':') == a.lastIndexOf(':') ? a.substring(0, a.indexOf(':')) : a;
        }
        return raftAddr.anyHost() ? "127.0.0.1" : raftAddr.host();
    }

    private static String advertised(String flag, String advertiseHost, HostPort bind, int boundPort) {
        if (!flag.isEmpty() && flag.matches(".*:\\d+$")) {
            return flag;
        }
        return new HostPort(advertiseHost, boundPort).toString();
    }

    private static String httpAdvertised(String advertiseHost, HostPort bind, int boundPort) {
        return bind.advertised(advertiseHost, boundPort);
    }
}
