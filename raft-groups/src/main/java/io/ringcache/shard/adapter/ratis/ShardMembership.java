package io.ringcache.shard.adapter.ratis;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
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

    /**
     * @param proposeEmptyEntry proposes an entry that changes nothing to the shard's group (async;
     *                          failures ignored)
     * @param nudgeInterval     how often a pending change proposes one (the heartbeat interval)
     * @param callWait          how long {@link #change} waits for Ratis before it reports the change
     *                          as still in progress (it goes on, and is nudged, after that)
     */
    ShardMembership(RaftServer server, RaftPeerId peerId, ClientId clientId, AtomicLong callIds,
                    ScheduledExecutorService ticker, IntConsumer proposeEmptyEntry, Duration nudgeInterval,
                    Duration callWait) {
        this.server = server;
        this.peerId = peerId;
        this.clientId = clientId;
        this.callIds = callIds;
        this.ticker = ticker;
        this.proposeEmptyEntry = proposeEmptyEntry;
        this.nudgeInterval = nudgeInterval;
        this.callWait = callWait;
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
            set(shardId, replicas(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)), keptListeners);
        }
        set(shardId, voters, learners);
    }

    private void set(int shardId, List<ShardGroupHost.Replica> voters, List<ShardGroupHost.Replica> learners)
            throws IOException {
        SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(peers(voters, RaftPeerRole.FOLLOWER))
                .setListenersInNewConf(peers(learners, RaftPeerRole.LISTENER))
                .build();
        String what = "membership change of shard " + shardId + " to " + voters
                + (learners.isEmpty() ? "" : " + learners " + learners);
        CompletableFuture<RaftClientReply> pending = server.setConfigurationAsync(new SetConfigurationRequest(
                clientId, peerId, ShardGroups.groupId(shardId), callIds.incrementAndGet(), args));
        ScheduledFuture<?> nudges = ticker.scheduleWithFixedDelay(() -> proposeEmptyEntry.accept(shardId),
                nudgeInterval.toMillis(), nudgeInterval.toMillis(), TimeUnit.MILLISECONDS);
        pending.whenComplete((reply, error) -> nudges.cancel(false));
        RaftClientReply reply;
        try {
            reply = pending.get(callWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException(what + " is still in progress after " + callWait.toSeconds()
                    + " s (Ratis goes on with it; ask again to learn the outcome)");
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + " interrupted");
        }
        if (!reply.isSuccess()) {
            throw new IOException(what + " failed: " + reply.getException());
        }
        LOG.info("shard {} members are now {}{}", shardId, voters, learners.isEmpty() ? "" : " + learners " + learners);
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

    private static Set<String> ids(Iterable<RaftPeer> peers) {
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
