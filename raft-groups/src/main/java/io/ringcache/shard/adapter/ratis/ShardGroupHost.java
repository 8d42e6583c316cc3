package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandBatch;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.ShardStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's Raft server hosting many shard groups (one Ratis division per shard replica).
 *
 * <p>Owns the {@link RaftServer}, the per-group state machines its registry creates
 * ({@link ShardStateMachines}, which also relays their log failures and leader changes), and one
 * scheduler thread shared by all groups for TTL reclamation. Requests are submitted to
 * the local divisions in-process ({@link DivisionRequests}), without a RaftClient hop. Groups are
 * added and removed at run time ({@link HostedGroups}); on restart the server recovers every group
 * folder under the storage dir. Linearizable reads on a leader go through {@link LeaderReads},
 * and every leader transfer through {@link LeaderTransfers}.
 */
public final class ShardGroupHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardGroupHost.class);

    /**
     * How long a membership change call waits for Ratis before it answers "still in progress":
     * below the placement driver's 30 s call deadline, so placement hears a reason.
     */
    static final Duration MEMBERSHIP_CALL_WAIT = Duration.ofSeconds(20);

    /** A replica of a group: the store's peer id and Raft address (host:port). */
    public record Replica(String peerId, String raftAddress) {
    }

    /** This host's role in a shard group. */
    public enum Role { LEADER, FOLLOWER, CANDIDATE, LISTENER, NOT_HOSTED }

    private final RaftPeerId peerId;
    private final RatisTuning tuning;
    private final IntFunction<ShardStore> stores;
    private final LongSupplier clockMillis;
    /** Makes each replica's state machine and relays its log failures and leader changes. */
    private final ShardStateMachines machines;
    private final ClientId clientId = ClientId.randomId();
    private volatile java.util.function.IntFunction<CompletableFuture<?>> readBarrier =
            shard -> submit(shard, List.of(READ_BARRIER));
    private LeaderReads leaderReads;
    private LeaderTransfers transfers;
    private final AtomicLong callIds = new AtomicLong();
    /** The monotonic clock read leases are measured with ({@link #leaseClock}). */
    private java.util.function.LongSupplier leaseClock = System::nanoTime;
    /** Ratis transport settings beyond properties: TLS ({@link #peerTls}). */
    private final org.apache.ratis.conf.Parameters transport = new org.apache.ratis.conf.Parameters();
    /** Expiry rounds, replication checks and the watches of pending membership changes; one thread per host. */
    private final ScheduledExecutorService ticker;
    private RaftServer server;
    private ShardMembership membership;
    private DivisionRequests requests;
    private HostedGroups groups;
    private SplitSeeds seeds;
    private ShardSplits splits;
    private final ShardEvictions evictions;

    /**
     * @param peerId      this store's id in every group it hosts
     * @param tuning      Ratis settings (storage dir, port, timeouts, buffers); its log buffers are
     *                    grown when needed so one entry holds the largest put {@code limits} allow
     * @param stores      makes the store of a shard replica (off-heap in production)
     * @param limits      per-shard key/value limits and memory budget
     * @param clockMillis the wall clock in milliseconds (injected for tests)
     */
    public ShardGroupHost(String peerId, RatisTuning tuning, IntFunction<ShardStore> stores,
                          ShardLimits limits, LongSupplier clockMillis) {
        this.peerId = RaftPeerId.valueOf(peerId);
        // Key + value + command framing (tag, TTL, lengths) of the largest single put.
        this.tuning = tuning.withEntryLimit((long) limits.maxValueBytes() + limits.maxKeyBytes() + 1024);
        this.stores = stores;
        this.clockMillis = clockMillis;
        this.machines = new ShardStateMachines(stores, limits, clockMillis);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ringcache-ticker-" + peerId);
            t.setDaemon(true);
            return t;
        });
        this.evictions = new ShardEvictions(this::hostedShards, this::isReadyLeader, this::engine,
                this::submitEntry, clockMillis, limits.evictionPolicy().evicts());
    }

    /** Starts the Raft server; every group found under the storage dir is recovered. */
    public ShardGroupHost start() throws IOException {
        Files.createDirectories(tuning.storageDir().toPath());
        UnreadableReplicas.moveAside(tuning.storageDir().toPath(), HostedGroups.quarantineDir(tuning.storageDir().toPath()),
                clockMillis.getAsLong());
        // Before the server: recovering groups may be split children that load their seed.
        seeds = new SplitSeeds(peerId.toString(), SplitSeeds.dirFor(tuning.storageDir().toPath()),
                machines::logFailed, () -> ticker.execute(this::tickSplits),
                this::splitApplying, stores);
        server = RaftServer.newBuilder()
                .setServerId(peerId)
                .setProperties(tuning.toProperties())
                .setParameters(transport)
                .setStateMachineRegistry(machines.registry(seeds))
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        requests = new DivisionRequests(server, peerId, clientId, callIds, tuning.maxEntryPayloadBytes());
        groups = new HostedGroups(server, peerId, clientId, callIds, tuning.storageDir().toPath());
        splits = new ShardSplits(seeds, groups, this::division, this::appliedIndex, this::submit,
                new ChildCampaigns(server, peerId, this::division), peerId.toString(), ticker);
        leaderReads = new LeaderReads(requests, tuning.leaderLease(), tuning.readLease().toNanos(), readBarrier, leaseClock);
        transfers = new LeaderTransfers(server, peerId, clientId, callIds, leaderReads, tuning.electionTimeoutMax().toNanos());
        LeaderReads.awaitForgottenLeases(tuning.electionTimeoutMin());
        server.start();
        membership = new ShardMembership(server, peerId, transfers, clientId, callIds, ticker, this::proposeEmptyEntry,
                tuning.electionTimeoutMin().dividedBy(2), MEMBERSHIP_CALL_WAIT, tuning.stagingTimeout());
        ExpiryTicker expiryTicker = new ExpiryTicker(this, clockMillis);
        ticker.scheduleWithFixedDelay(expiryTicker::tick, 100, 100, TimeUnit.MILLISECONDS);
        ticker.scheduleWithFixedDelay(evictions::tick, 100, 100, TimeUnit.MILLISECONDS);
        ReplicationWatch replication = new ReplicationWatch(this, membership, transfers, peerId,
                tuning.electionTimeoutMax().toMillis());
        StalledConnections stalled = new StalledConnections(() -> server, this, peerId);
        ListenerPromotionDeadlocks wedged = new ListenerPromotionDeadlocks(peerId.toString());
        ticker.scheduleWithFixedDelay(() -> { replication.tick(); stalled.tick(); wedged.tick(); }, 1, 1, TimeUnit.SECONDS);
        ticker.scheduleWithFixedDelay(this::tickSplits, 0, 1, TimeUnit.SECONDS);
        LOG.info("store {} serving Raft on {} with {} recovered groups", peerId, raftAddress(), hostedShards().size());
        return this;
    }

    private void tickSplits() {
        ShardSplits current = splits;
        if (current != null) {
            current.tickQuietly();
        }
    }

    /** Splits of the shards this store leads, and the children it starts ({@link ShardSplits}). */
    public ShardSplits splits() {
        return splits;
    }

    /**
     * Who hears that a shard's Raft log failed on this store (set before {@link #start}). Ratis
     * does not recover a failed log in place, so the store's answer is to stop and restart from
     * its disk, as etcd and TiKV do on a WAL write error; by default it is only logged.
     */
    public ShardGroupHost onLogFailure(java.util.function.BiConsumer<Integer, Throwable> handler) {
        machines.onLogFailure(handler);
        return this;
    }

    /**
     * Who hears of each leader a replica on this store learns of, its own election included (set
     * before {@link #start}). The store tells the placement driver of an election here at once
     * rather than with its next heartbeat, so that stores and clients that route by the map find a
     * new leader (a split's child, a failover's winner) within milliseconds instead of up to a
     * heartbeat later; and it wakes the requests it holds for that shard's leader.
     */
    public ShardGroupHost onLeaderChange(LeaderChangeListener listener) {
        machines.onLeaderChange(listener);
        return this;
    }

    /**
     * The monotonic clock (nanoseconds) the leaders' read leases are measured with, set before
     * {@link #start}; {@code System::nanoTime} unless a fault test slows it to show what a leader
     * whose clock runs slow does (chaos/README.md, "Clocks and TTL").
     */
    public ShardGroupHost leaseClock(java.util.function.LongSupplier nanos) {
        if (server != null) {
            throw new IllegalStateException("the lease clock is set before the host starts");
        }
        this.leaseClock = nanos;
        return this;
    }

    /**
     * Mutual TLS for every shard group's Raft traffic, set before {@link #start}: a peer must
     * present a member's certificate from the cluster CA to send or take AppendEntries, votes or snapshots.
     */
    public ShardGroupHost peerTls(io.ringcache.transport.TransportTls tls) {
        org.apache.ratis.grpc.GrpcConfigKeys.TLS.setConf(transport,
                new org.apache.ratis.grpc.GrpcTlsConfig(tls.keyManager(), tls.memberVerifier(), true));
        return this;
    }

    /**
     * Shards whose replica here was lost and is not hosted: moved aside at a start because its
     * term-and-vote file was damaged ({@link UnreadableReplicas}), or split children a parent
     * named this store a member of but that it never started, nor has a seed for
     * ({@link SplitSeeds#loadedAtStart}). The placement driver replaces them; once a new replica
     * of one is hosted here again, it is no longer lost.
     */
    public java.util.SortedSet<Integer> lostShards() {
        return splits.withUnstartedChildren(groups.lost());
    }

    public String peerId() {
        return peerId.toString();
    }

    /** The Raft transport's address as bound (host:port). */
    public String raftAddress() {
        var address = server.getServerRpc().getInetSocketAddress();
        return address.getHostString() + ":" + address.getPort();
    }

    public int raftPort() {
        return server.getServerRpc().getInetSocketAddress().getPort();
    }

    /**
     * Hosts a replica of {@code shardId} in a group of {@code replicas} (this store among them).
     * Does nothing when the shard is already hosted.
     */
    public void addShard(int shardId, List<Replica> replicas) throws IOException {
        addShard(shardId, replicas, List.of());
    }

    /**
     * Hosts a replica of {@code shardId} in a group of voting {@code replicas} and non-voting
     * {@code learners} (Raft listeners); this store is one of either. Does nothing when the shard
     * is already hosted.
     */
    public void addShard(int shardId, List<Replica> replicas, List<Replica> learners) throws IOException {
        groups.add(shardId, replicas, learners);
    }

    /** Stops hosting {@code shardId} and deletes its data. Does nothing when it is not hosted. */
    public void removeShard(int shardId) throws IOException {
        leaderReads.forget(shardId);
        groups.remove(shardId);
    }

    /** The shards this host has a replica of. */
    public SortedSet<Integer> hostedShards() {
        return groups.hosted();
    }

    /** The current term when this replica leads {@code shardId}; -1 otherwise. */
    private long leaderTerm(int shardId) {
        return division(shardId).map(d -> DivisionStates.leaderTerm(d.getInfo())).orElse(-1L);
    }

    public Role role(int shardId) {
        return division(shardId).map(d -> DivisionStates.role(d.getInfo())).orElse(Role.NOT_HOSTED);
    }

    /** True when this host leads the shard and has committed an entry of its term (it can serve). */
    public boolean isReadyLeader(int shardId) {
        return division(shardId).map(d -> d.getInfo().isLeader() && d.getInfo().isLeaderReady()).orElse(false);
    }

    /** The peer id of the shard's leader as this replica knows it. */
    public Optional<String> leader(int shardId) {
        return division(shardId).map(d -> d.getInfo().getLeaderId()).map(RaftPeerId::toString);
    }

    /** The shard's engine on this host (for reads of local state, metrics and tests). */
    public Optional<ShardEngine> engine(int shardId) {
        return stateMachine(shardId).map(ShardStateMachine::engine);
    }

    /**
     * Starts telling {@code listener} what this host's replica of {@code shardId} applies: the keys
     * of each entry, resets on snapshot loads, and {@link ShardApplyListener#stopped} when the
     * replica stops (shard removed, or the host closes). Registering the same listener twice makes
     * it hear everything twice.
     *
     * <p>Every entry whose applied index is above {@link #appliedIndex} read <em>after</em> this
     * returns true is reported to the listener: read the index after registering to learn from
     * where the reports are complete.
     *
     * @return false when the shard is not hosted here (nothing registered, nothing will be called)
     */
    public boolean addApplyListener(int shardId, ShardApplyListener listener) {
        return stateMachine(shardId).map(sm -> sm.addListener(listener)).orElse(false);
    }

    /** Stops telling {@code listener} about {@code shardId}; does nothing when it is not registered. */
    public void removeApplyListener(int shardId, ShardApplyListener listener) {
        stateMachine(shardId).ifPresent(sm -> sm.removeListener(listener));
    }

    /** Listeners registered on this host's replica of {@code shardId} (0 when not hosted; for tests and metrics). */
    public int applyListenerCount(int shardId) {
        return stateMachine(shardId).map(ShardStateMachine::listenerCount).orElse(0);
    }

    /** Snapshots the replica of {@code shardId} here installed from its leader since start. */
    public long installedSnapshots(int shardId) {
        return stateMachine(shardId).map(ShardStateMachine::installedSnapshots).orElse(0L);
    }

    /** The replica's last applied index; -1 when it is not hosted or still starting. */
    public long appliedIndex(int shardId) {
        return division(shardId).map(d -> DivisionStates.appliedIndex(d.getInfo())).orElse(-1L);
    }

    /**
     * Submits commands as one log entry; completes with one result per command. When the shard's
     * policy evicts and the commands would fill it, an eviction entry goes first ({@link ShardEvictions}).
     */
    public CompletableFuture<List<CommandResult>> submit(int shardId, List<Command> commands) {
        CompletableFuture<Void> room = evictions.roomFor(shardId, commands);
        return room.isDone() ? submitEntry(shardId, commands)
                : room.thenCompose(ignored -> submitEntry(shardId, commands));
    }

    private CompletableFuture<List<CommandResult>> submitEntry(int shardId, List<Command> commands) {
        return submit(shardId, CommandCodec.encode(new CommandBatch(0, commands)));
    }

    /** Submits an encoded entry (see {@link CommandCodec}); completes with one result per command. */
    public CompletableFuture<List<CommandResult>> submit(int shardId, byte[] entry) {
        return requests.write(shardId, entry);
    }

    /**
     * Reads through this replica. {@code stale = true}: this replica's state as applied, with no
     * round trip. {@code stale = false}, linearizable:
     * <ul>
     *   <li>on the leader, {@link LeaderReads}: from the leader's own state while its read lease
     *       holds ({@code LeaderReadLease}), else behind a <b>read barrier</b> (an empty entry
     *       proposed after the read arrived, committed by a majority in this leader's term; a
     *       deposed leader cannot commit it, so it answers nothing). Ratis' own ReadIndex is not
     *       used on the leader: in 3.3.0 it answers a deposed leader's reads with no round at all
     *       (see {@link LeaderReads}).</li>
     *   <li>on a follower, Ratis' follower read: a ReadIndex from the leader it knows, then its
     *       own state once applied that far. With three replicas a follower that does not know of
     *       a newer leader asks a leader that does not know either only if neither voted in the
     *       newer term, which a three-replica election rules out.</li>
     * </ul>
     */
    public CompletableFuture<ResultCodec.Answer> query(int shardId, byte[] query, boolean stale) {
        long leaderTerm = stale ? -1 : leaderTerm(shardId);
        if (leaderTerm >= 0) {
            return leaderReads.read(shardId, leaderTerm, query)
                    .thenApply(content -> ResultCodec.decodeAnswer(content.toByteArray()));
        }
        RaftClientRequest.Type type = stale ? RaftClientRequest.staleReadRequestType(0)
                : RaftClientRequest.readRequestType();
        return requests.call(shardId, query, type).thenApply(content -> ResultCodec.decodeAnswer(content.toByteArray()));
    }

    /** The read barrier's command: an expiry of no keys changes nothing on any replica. */
    public static final Command READ_BARRIER = new Command.Expire(List.of());

    /**
     * Where read barriers are proposed (set before requests are served): {@code barrier} proposes
     * {@link #READ_BARRIER} for a shard, no earlier than it is called, and completes once that
     * entry is committed and applied here. By default a barrier is an entry of its own; the store
     * sends it through its group commit, so that under writes it rides in the next write batch
     * instead of costing an entry.
     */
    public ShardGroupHost readBarriersThrough(java.util.function.IntFunction<CompletableFuture<?>> barrier) {
        this.readBarrier = barrier;
        if (leaderReads != null) {
            leaderReads.barriersThrough(barrier);
        }
        return this;
    }

    /** The shard's voting replicas as this host's replica knows them (empty when not hosted). */
    public List<Replica> replicas(int shardId) {
        return division(shardId).map(d -> ShardMembership.members(d, RaftProtos.RaftPeerRole.FOLLOWER)).orElse(List.of());
    }

    /**
     * Changes the shard's voting membership to exactly {@code replicas}; this host must lead the
     * shard. A replica being added must already host the group ({@link #addShard} with the new
     * membership on its store). Ratis first lets new members catch up (by log or snapshot) as
     * non-voting staging peers, then commits the new configuration; returns when it is committed.
     */
    public void changeReplicas(int shardId, List<Replica> replicas) throws IOException {
        changeReplicas(shardId, replicas, List.of());
    }

    /**
     * Changes the shard's membership to exactly these voters and learners (Raft listeners, which
     * receive the log but neither vote nor count for commits); this host must lead the shard.
     * Returns when the configuration is committed, or fails with the reason, within
     * {@link #MEMBERSHIP_CALL_WAIT} (a change still running then goes on). Setting the current
     * configuration again is a no-op success, so a repeated call is safe. A learner named among
     * the voters is promoted; {@link ShardMembership} says how, and why it takes two changes.
     */
    public void changeReplicas(int shardId, List<Replica> replicas, List<Replica> learners) throws IOException {
        RaftServer.Division d = division(shardId)
                .orElseThrow(() -> new IOException("shard " + shardId + " is not hosted on " + peerId));
        membership.change(shardId, d, replicas, learners);
    }

    /** The shard's learners (Raft listeners) as this host's replica knows them (empty when not hosted). */
    public List<Replica> learners(int shardId) {
        return division(shardId).map(d -> ShardMembership.members(d, RaftProtos.RaftPeerRole.LISTENER)).orElse(List.of());
    }

    /** Asks this host's replica (which must lead) to hand leadership to {@code newLeader}. */
    public void transferLeadership(int shardId, String newLeader, long timeoutMillis) throws IOException {
        transfers.transferAndWait(shardId, newLeader, timeoutMillis);
    }

    /**
     * Hands every leadership this host holds to another replica of that shard (a graceful stop),
     * all shards at once, and returns when each has been handed or {@code budget} has passed.
     * Within a shard the other replicas are tried in turn. Shards are handed concurrently because
     * a transfer waits for its target to catch up and to win an election: one after another, a
     * store leading 21 shards took 10 s to step aside while its peers were stopping too
     * (bench/RESULTS.md, "Stopping a store with many shards"), and a stop that outlasts its grace
     * period is a crash.
     *
     * @return the shards this host still leads when it returns (their leaders step down on close)
     */
    public List<Integer> handOffLeaders(Duration budget) {
        return new LeaderHandOff(this, transfers, peerId).handOffAll(budget);
    }

    /** Takes a snapshot of this host's replica of {@code shardId} now; returns its log index. */
    public long takeSnapshot(int shardId, long timeoutMillis) throws IOException {
        return groups.takeSnapshot(shardId, timeoutMillis);
    }

    /** A replica of {@code parent} starts to apply its split ({@link SplitSeeds.Applying}); an empty entry carries its commit on. */
    private void splitApplying(int parent, int child) {
        splits.applying(parent, child);
        ticker.execute(() -> proposeEmptyEntry(parent));
    }

    /**
     * Proposes an entry that changes nothing (an expiry of no keys) to the shard, if this host
     * leads it; see {@link ShardMembership} for why a pending membership change needs one.
     */
    private void proposeEmptyEntry(int shardId) {
        if (isReadyLeader(shardId)) {
            submit(shardId, List.of(new Command.Expire(List.of())));
        }
    }

    /** The Raft server itself (package tests that drive Ratis without this class). */
    RaftServer raftServer() {
        return server;
    }

    /**
     * This host's state machine of {@code shardId}: the one place that narrows Ratis' state
     * machine to ours (the registry makes every division's a {@link ShardStateMachine}).
     */
    Optional<ShardStateMachine> stateMachine(int shardId) {
        return division(shardId).map(d -> (ShardStateMachine) d.getStateMachine());
    }

    /**
     * The shard's division, or empty when it is not hosted. Waits while the division is still
     * being created; a division whose creation failed counts as not hosted (Ratis keeps its failed
     * entry until the group is removed, and callers such as heartbeats must not fail on it).
     */
    Optional<RaftServer.Division> division(int shardId) {
        try {
            return Optional.of(server.getDivision(ShardGroups.groupId(shardId)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        ticker.shutdownNow();
        if (server != null) {
            server.close();
        }
        if (seeds != null) {
            seeds.close();
        }
    }
}
