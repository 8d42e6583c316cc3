package io.ringcache.placement.adapter.ratis;

import io.ringcache.placement.core.PdMember;
import io.ringcache.placement.core.PlacementMembership;
import io.ringcache.placement.adapter.proto.PlacementStateProtos;
import io.ringcache.placement.core.NotPlacementLeaderException;
import io.ringcache.placement.core.PlacementLog;
import io.ringcache.placement.core.PlacementState;
import io.ringcache.proto.v1.PlacementLogEntry;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement state replicated by the PD's own Raft group (one group, one member per PD
 * process). Only the leader commits; every member applies and serves reads of the state. A single
 * member (development, or the store node's embedded PD) is the same code with a group of one.
 */
public final class RatisPlacementLog implements PlacementLog, PlacementMembership, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RatisPlacementLog.class);
    /** The one PD group; fixed so every member agrees without configuration. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes("ringcache-placement-driver".getBytes(StandardCharsets.UTF_8)));
    private static final long COMMIT_TIMEOUT_MILLIS = 15_000;

    private final PdMember self;
    private final List<PdMember> members;
    private final File dir;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final PlacementStateMachine stateMachine;
    private final long electionMinMillis;
    private RaftServer server;
    /** Ratis transport settings beyond properties: TLS. */
    private final org.apache.ratis.conf.Parameters transport = new org.apache.ratis.conf.Parameters();

    /**
     * @param self             this member (its Raft address's port is the port to bind; 0 picks one, for a group of one)
     * @param members          every member, this one included
     * @param dir              where the Raft log and snapshots live
     * @param electionMinMillis the minimum election timeout (the maximum is twice that)
     */
    public RatisPlacementLog(PdMember self, List<PdMember> members, File dir, long electionMinMillis) {
        this(self, members, dir, electionMinMillis, null);
    }

    /** @param tls mutual TLS for the members' Raft traffic, or null for plaintext */
    public RatisPlacementLog(PdMember self, List<PdMember> members, File dir, long electionMinMillis,
                             io.ringcache.transport.TransportTls tls) {
        if (tls != null) {
            org.apache.ratis.grpc.GrpcConfigKeys.TLS.setConf(transport,
                    new org.apache.ratis.grpc.GrpcTlsConfig(tls.keyManager(), tls.memberVerifier(), true));
        }
        if (members.stream().noneMatch(m -> m.id().equals(self.id()))) {
            throw new IllegalArgumentException("member " + self.id() + " is not in the member list " + members);
        }
        this.self = self;
        this.members = List.copyOf(members);
        this.dir = dir;
        this.electionMinMillis = electionMinMillis;
        this.stateMachine = new PlacementStateMachine(leader ->
                LOG.info("placement driver leader is now {} (seen by {})", leader, self.id()));
    }

    public RatisPlacementLog start() throws IOException {
        Files.createDirectories(dir.toPath());
        int port = Integer.parseInt(self.raftAddress().substring(self.raftAddress().lastIndexOf(':') + 1));
        List<RaftPeer> peers = new ArrayList<>();
        for (PdMember m : members) {
            peers.add(RaftPeer.newBuilder().setId(m.id()).setAddress(m.raftAddress()).setClientAddress(m.grpcAddress()).build());
        }
        boolean fresh = !new File(dir, GROUP_ID.getUuid().toString()).exists();
        server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(self.id()))
                .setProperties(properties(port))
                .setParameters(transport)
                .setGroup(RaftGroup.valueOf(GROUP_ID, peers))
                .setStateMachine(stateMachine)
                .setOption(fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        LOG.info("placement driver member {} serving Raft on {} ({} members, {})", self.id(), self.raftAddress(),
                members.size(), fresh ? "new" : "recovered");
        return this;
    }

    private RaftProperties properties(int port) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setPort(p, port);
        RaftServerConfigKeys.setStorageDir(p, List.of(dir));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(electionMinMillis, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(electionMinMillis * 2, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(electionMinMillis * 4, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.setSleepDeviationThreshold(p, TimeDuration.valueOf(electionMinMillis, TimeUnit.MILLISECONDS));
        // The state is small: a small write buffer, frequent snapshots, the log purged behind them.
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf("4MB"));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf("2MB"));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("16MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, 1_000);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("64MB"));
        RaftServerConfigKeys.ThreadPool.setServerCached(p, false);
        RaftServerConfigKeys.ThreadPool.setServerSize(p, 4);
        RaftServerConfigKeys.ThreadPool.setClientCached(p, false);
        RaftServerConfigKeys.ThreadPool.setClientSize(p, 4);
        RaftServerConfigKeys.ThreadPool.setProxyCached(p, false);
        RaftServerConfigKeys.ThreadPool.setProxySize(p, 4);
        return p;
    }

    public PdMember self() {
        return self;
    }

    @Override
    public List<PdMember> members() {
        return members;
    }

    /** The bound Raft port (useful when the configured one was 0). */
    public int raftPort() {
        return server.getServerRpc().getInetSocketAddress().getPort();
    }

    /** Whether this member leads and has applied everything its predecessors committed. */
    @Override
    public boolean isReadyLeader() {
        Optional<DivisionInfo> info = info();
        return info.isPresent() && info.get().isLeader() && info.get().isLeaderReady();
    }

    /** The leader as this member knows it. */
    @Override
    public Optional<PdMember> leader() {
        Optional<DivisionInfo> info = info();
        if (info.isEmpty() || info.get().getLeaderId() == null) {
            return Optional.empty();
        }
        String id = info.get().getLeaderId().toString();
        return members.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    private Optional<DivisionInfo> info() {
        try {
            return Optional.of(server.getDivision(GROUP_ID).getInfo());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public PlacementState current() {
        return stateMachine.state();
    }

    @Override
    public PlacementState commit(PlacementState base, PlacementState next) throws IOException {
        byte[] entry = PlacementLogEntry.newBuilder().setBaseRevision(base.revision())
                .setNext(PlacementStateProtos.toProto(next)).build().toByteArray();
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId).setServerId(RaftPeerId.valueOf(self.id())).setGroupId(GROUP_ID)
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry)))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        RaftClientReply reply;
        try {
            reply = server.submitClientRequestAsync(request).get(COMMIT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while committing placement state", e);
        } catch (ExecutionException e) {
            throw new IOException("placement state commit failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("placement state commit timed out after " + COMMIT_TIMEOUT_MILLIS + " ms");
        }
        if (!reply.isSuccess()) {
            NotLeaderException nle = reply.getNotLeaderException();
            if (nle != null) {
                RaftPeer suggested = nle.getSuggestedLeader();
                String id = suggested == null ? "" : suggested.getId().toString();
                String address = members.stream().filter(m -> m.id().equals(id)).map(PdMember::grpcAddress)
                        .findFirst().orElse("");
                throw new NotPlacementLeaderException(id, address);
            }
            throw new IOException("placement state commit failed: " + reply.getException());
        }
        byte[] content = reply.getMessage().getContent().toByteArray();
        long revision = 0;
        for (int i = 0; i < 8; i++) {
            revision = (revision << 8) | (content[1 + i] & 0xff);
        }
        if (content[0] != 1) {
            throw new ConcurrentChangeException(base.revision(), revision);
        }
        return stateMachine.state();
    }

    @Override
    public void addListener(Consumer<PlacementState> listener) {
        stateMachine.addListener(listener);
    }

    @Override
    public void removeListener(Consumer<PlacementState> listener) {
        stateMachine.removeListener(listener);
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
