package io.ringcache.shard.adapter.ratis;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes a shard group's Raft membership through this host's leading division, in the order that
 * Ratis 3.3.0's leader ({@code LeaderStateImpl}) handles without wedging. Owned by
 * {@link ShardGroupHost}; one instance per host, used from any thread.
 *
 * <p>Two behaviours of that leader, read in its source and reproduced by {@code ReplicaLifecycleIT},
 * shape the calls:
 * <ol>
 *   <li><b>A promoted listener stays "bootstrapping" in the leader that added it.</b> Adding a
 *       peer runs a staging phase; when it ends the leader marks the staged peers caught up, but
 *       only those in the new configuration as voters, so a peer added as a listener (a learner)
 *       keeps the flag unset. Promoting it in place (listener to voter in one change) is not
 *       staged again, so the leader goes on treating a voter as still bootstrapping. Once that
 *       voter stops answering (its store died), the next change that adds a peer counts it among
 *       the lagging peers, fails with {@code NOPROGRESS} after the staging timeout, and stops the
 *       leader's log appenders to every peer not marked caught up. A new leader marks every peer
 *       caught up, so only the leader that staged the listener is affected.
 *       <br>So a listener is promoted in two changes: it is first removed as a listener, then
 *       added as a voter, which Ratis stages (it is already caught up, so this is quick) and marks
 *       caught up when the staging ends.</li>
 *   <li><b>A staging is evaluated only when a staging peer acknowledges new entries.</b> Progress,
 *       caught-up and the staging timeout are all checked on an AppendEntries success that moves a
 *       lagging peer's match index; heartbeat replies carry none. A peer that already holds the
 *       leader's whole log (it received it during an earlier, failed attempt) rejects the new
 *       appender's first batch, and from then on gets only heartbeats while the shard is at rest:
 *       the staging never ends, and every later change, rollbacks included, is refused with
 *       "Reconfiguration is already in progress", forever.
 *       <br>So while a change is pending, this host proposes an empty entry (an expiry command with
 *       no keys, which changes nothing) every heartbeat interval: the staging peer acknowledges it,
 *       and Ratis reaches a verdict (caught up, or failed after its staging timeout) in bounded time.
 *       The proposals stop when Ratis answers, even if the caller stopped waiting earlier.</li>
 * </ol>
 * A third case has no remedy inside the leader: a peer being added that never answers (its store
 * died during the change) acknowledges nothing, so Ratis never judges the staging at all. A
 * pending change whose new peer has been silent for the staging timeout is aborted by stepping
 * the leader down ({@link PendingChange}).
 */
final class ShardMembership {

    private static final Logger LOG = LoggerFactory.getLogger(ShardMembership.class);

    private final RaftServer server;
    private final RaftPeerId peerId;
    private final ClientId clientId;
    private final AtomicLong callIds;
    private final ScheduledExecutorService ticker;
    private final IntConsumer proposeEmptyEntry;
    private final Duration nudgeInterval;
    private final Duration callWait;
    private final Duration stagingTimeout;
    private final LeaderTransfers transfers;
    /** Per shard, the changes this host is waiting on Ratis for (a retry may overlap an earlier call). */
    private final Map<Integer, Integer> changing = new ConcurrentHashMap<>();

    /**
     * @param proposeEmptyEntry proposes an entry that changes nothing to the shard's group (async;
     *                          failures ignored)
     * @param nudgeInterval     how often a pending change proposes one (the heartbeat interval)
     * @param callWait          how long {@link #change} waits for Ratis before it reports the change
     *                          as still in progress (it goes on, and is nudged, after that)
     * @param stagingTimeout    Ratis' {@code raft.server.staging.timeout}: a peer being added that
     *                          has not answered for this long makes the change abort
     */
    ShardMembership(RaftServer server, RaftPeerId peerId, LeaderTransfers transfers, ClientId clientId, AtomicLong callIds,
                    ScheduledExecutorService ticker, IntConsumer proposeEmptyEntry, Duration nudgeInterval,
                    Duration callWait, Duration stagingTimeout) {
        this.server = server;
        this.peerId = peerId;
        this.transfers = transfers;
        this.clientId = clientId;
        this.callIds = callIds;
        this.ticker = ticker;
        this.proposeEmptyEntry = proposeEmptyEntry;
        this.nudgeInterval = nudgeInterval;
        this.callWait = callWait;
        this.stagingTimeout = stagingTimeout;
    }

    /**
     * Sets the group's membership to exactly these voters and learners; {@code division} must lead.
     * Returns when the new configuration is committed; setting the current one again is a no-op.
     */
    void change(int shardId, RaftServer.Division division, List<ShardGroupHost.Replica> voters,
                List<ShardGroupHost.Replica> learners) throws IOException {
        RaftConfiguration conf = division.getRaftConf();
        Set<String> listenersNow = ids(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        List<ShardGroupHost.Replica> promoted = voters.stream().filter(v -> listenersNow.contains(v.peerId())).toList();
        if (!promoted.isEmpty()) {
            // Step 1 of a promotion: the listeners leave (their data stays on their stores).
            Set<String> leaving = ids(promoted);
            List<ShardGroupHost.Replica> keptListeners = replicas(conf.getCurrentPeers(RaftPeerRole.LISTENER)).stream()
                    .filter(r -> !leaving.contains(r.peerId())).toList();
            set(shardId, division, replicas(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)), keptListeners);
        }
        set(shardId, division, voters, learners);
    }

    private void set(int shardId, RaftServer.Division division, List<ShardGroupHost.Replica> voters,
                     List<ShardGroupHost.Replica> learners) throws IOException {
        SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(peers(voters, RaftPeerRole.FOLLOWER))
                .setListenersInNewConf(peers(learners, RaftPeerRole.LISTENER))
                .build();
        String what = "membership change of shard " + shardId + " to " + voters
                + (learners.isEmpty() ? "" : " + learners " + learners);
        RaftConfiguration now = division.getRaftConf();
        Set<String> joining = ids(voters);
        joining.addAll(ids(learners));
        joining.removeAll(ids(now.getCurrentPeers()));
        joining.removeAll(ids(now.getCurrentPeers(RaftPeerRole.LISTENER)));
        changing.merge(shardId, 1, Integer::sum);
        CompletableFuture<RaftClientReply> pending;
        try {
            pending = server.setConfigurationAsync(new SetConfigurationRequest(
                    clientId, peerId, ShardGroups.groupId(shardId), callIds.incrementAndGet(), args));
        } catch (IOException | RuntimeException e) {
            done(shardId);
            throw e;
        }
        PendingChange watch = new PendingChange(shardId, division, joining, pending);
        ScheduledFuture<?> ticks = ticker.scheduleWithFixedDelay(watch::tick,
                nudgeInterval.toMillis(), nudgeInterval.toMillis(), TimeUnit.MILLISECONDS);
        pending.whenComplete((reply, error) -> {
            ticks.cancel(false);
            done(shardId);
        });
        RaftClientReply reply;
        try {
            reply = pending.get(callWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException(what + " is still in progress after " + callWait.toSeconds()
                    + " s (Ratis goes on with it; ask again to learn the outcome)");
        } catch (ExecutionException e) {
            String aborted = watch.abortReason;
            throw new IOException(what + " failed: " + (aborted != null ? aborted : String.valueOf(e.getCause())), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + " interrupted");
        }
        if (!reply.isSuccess()) {
            String aborted = watch.abortReason;
            throw new IOException(what + " failed: " + (aborted != null ? aborted : String.valueOf(reply.getException())));
        }
        LOG.info("shard {} members are now {}{}", shardId, voters, learners.isEmpty() ? "" : " + learners " + learners);
    }

    /**
     * A change Ratis has not answered yet, looked at every heartbeat interval on the ticker:
     * proposes an empty entry (behaviour 2 above), and aborts the change when a peer it adds has
     * not answered for the staging timeout. Ratis would fail such a staging itself, but only when
     * some staging peer acknowledges an entry, which a dead one never does; the staging would then
     * hold the group's reconfiguration until the next leader change. So this leader steps down:
     * its staging goes with it and the pending change fails; the next leader has no staging, and
     * placement retries or rolls back. It costs the shard one election.
     */
    private final class PendingChange {
        private final int shardId;
        private final RaftServer.Division division;
        private final Set<String> joining;
        private final CompletableFuture<RaftClientReply> pending;
        private volatile String abortReason;

        PendingChange(int shardId, RaftServer.Division division, Set<String> joining,
                      CompletableFuture<RaftClientReply> pending) {
            this.shardId = shardId;
            this.division = division;
            this.joining = joining;
            this.pending = pending;
        }

        void tick() {
            if (pending.isDone() || abortReason != null) {
                return;
            }
            try {
                String silent = silentJoiningPeer();
                if (silent == null) {
                    proposeEmptyEntry.accept(shardId);
                    return;
                }
                abortReason = "peer " + silent + " has not answered the leader for " + stagingTimeout.toSeconds()
                        + " s while being added; " + peerId + " stepped down to abort the change";
                LOG.warn("shard {}: {}", shardId, abortReason);
                transfers.transfer(shardId, null, stagingTimeout.toMillis());
            } catch (RuntimeException e) {
                LOG.warn("shard {}: watching a pending membership change failed", shardId, e);
            }
        }

        /** A peer being added whose last answer to this leader is older than the staging timeout. */
        private String silentJoiningPeer() {
            if (joining.isEmpty()) {
                return null;
            }
            for (Map.Entry<String, Long> peer : answerAges(division).entrySet()) {
                if (joining.contains(peer.getKey()) && peer.getValue() >= stagingTimeout.toMillis()) {
                    return peer.getKey();
                }
            }
            return null;
        }
    }

    /**
     * Every peer this division, as leader, has a log appender to (staging peers included), with the
     * milliseconds since the peer last answered it; empty when the division does not lead.
     */
    static Map<String, Long> answerAges(RaftServer.Division division) {
        if (!division.getInfo().isLeader()) {
            return Map.of();
        }
        RoleInfoProto role = division.getInfo().getRoleInfoProto();
        if (!role.hasLeaderInfo()) {
            return Map.of();
        }
        Map<String, Long> out = new HashMap<>();
        for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
            out.put(follower.getId().getId().toStringUtf8(), follower.getLastRpcElapsedTimeMs());
        }
        return out;
    }

    /** True while this host waits on Ratis for a membership change of {@code shardId}. */
    boolean changing(int shardId) {
        return changing.containsKey(shardId);
    }

    private void done(int shardId) {
        changing.computeIfPresent(shardId, (k, n) -> n > 1 ? n - 1 : null);
    }

    /** The division's current peers of one role, sorted by id. */
    static List<ShardGroupHost.Replica> members(RaftServer.Division division, RaftPeerRole role) {
        return replicas(division.getRaftConf().getCurrentPeers(role));
    }

    private static List<ShardGroupHost.Replica> replicas(Iterable<RaftPeer> peers) {
        List<ShardGroupHost.Replica> out = new ArrayList<>();
        for (RaftPeer p : peers) {
            out.add(new ShardGroupHost.Replica(p.getId().toString(), p.getAddress()));
        }
        out.sort(Comparator.comparing(ShardGroupHost.Replica::peerId));
        return out;
    }

    static List<RaftPeer> peers(List<ShardGroupHost.Replica> replicas, RaftPeerRole role) {
        List<RaftPeer> out = new ArrayList<>();
        for (ShardGroupHost.Replica r : replicas) {
            out.add(RaftPeer.newBuilder().setId(r.peerId()).setAddress(r.raftAddress()).setStartupRole(role).build());
        }
        return out;
    }

    /** The peers' ids (a mutable set). */
    static Set<String> ids(Iterable<RaftPeer> peers) {
        Set<String> out = new HashSet<>();
        peers.forEach(p -> out.add(p.getId().toString()));
        return out;
    }

    private static Set<String> ids(List<ShardGroupHost.Replica> replicas) {
        Set<String> out = new HashSet<>();
        replicas.forEach(r -> out.add(r.peerId()));
        return out;
    }
}
