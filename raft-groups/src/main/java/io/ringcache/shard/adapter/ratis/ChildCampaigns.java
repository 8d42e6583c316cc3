package io.ringcache.shard.adapter.ratis;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.apache.ratis.proto.RaftProtos.RaftGroupIdProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionReplyProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A split child's first election, started at once by the replica that led the parent when it
 * applied the split, instead of after Ratis' first-election timeout (0.3-0.6 s) on whichever
 * replica's timer fires first. TiKV does the same: the new region's peer on the old leader
 * campaigns as soon as it is created. The moved keys are refused by the parent from the split's
 * entry until the child has a leader, so that timeout was most of their pause, and two replicas
 * whose timers fired together could split the vote and add a full election timeout (issue 18).
 *
 * <p>How, in two steps, both Ratis' own server calls:
 * <ol>
 *   <li><b>Wait for a voter.</b> The other replicas start the child when they apply the split,
 *       usually within tens of milliseconds of this one, sometimes later. An election whose vote
 *       requests all fail (no such group there yet) is lost, and each lost election spends a
 *       term (the child's last entry has term 1, and Ratis refuses a stand naming an entry of
 *       a term below the current one, so two lost stands end the campaign); so this replica
 *       first sends every other member a pre-vote request at once (the Raft pre-vote: it
 *       changes neither the term nor the vote of the one asked), again every
 *       {@link #RETRY_MILLIS} to a member that has answered, until one grants it.</li>
 *   <li><b>Stand.</b> It then asks its own server to start the child's election the way a
 *       leader's transfer asks its target ({@code startLeaderElection}), naming itself and its
 *       last entry, so Ratis' checks (a follower, a log no shorter than named) pass exactly when
 *       this replica is a follower of the new group with no leader. The election is Ratis' usual
 *       one: votes by term and log, so a replica with a longer log still refuses it, and safety
 *       does not depend on who stands.</li>
 * </ol>
 * It stops when any leader is known or after {@link #GIVE_UP_MILLIS}; Ratis' own timers stay
 * armed throughout and elect the child as before if this does not. Nothing here survives a
 * restart: a restarted store's child elects by Ratis' timers.
 *
 * <p>Owned by {@link ShardGroupHost}; {@link #want} runs on the parent's apply thread,
 * {@link #started} on the host's ticker, and each campaign on its own short-lived thread (its
 * calls block, up to Ratis' request timeout for a peer that does not answer; splits are rare).
 */
final class ChildCampaigns {

    private static final Logger LOG = LoggerFactory.getLogger(ChildCampaigns.class);

    /** How often a child that has no leader yet asks its peers again. */
    static final long RETRY_MILLIS = 20;
    /** After this long Ratis' own election timers are left to elect the child. */
    static final long GIVE_UP_MILLIS = 3_000;

    private final RaftServer server;
    private final RaftPeerId self;
    private final IntFunction<Optional<RaftServer.Division>> divisions;
    /** Children whose split this store applied as the parent's leader and has not started yet. */
    private final Set<Integer> wanted = ConcurrentHashMap.newKeySet();

    ChildCampaigns(RaftServer server, RaftPeerId self, IntFunction<Optional<RaftServer.Division>> divisions) {
        this.server = server;
        this.self = self;
        this.divisions = divisions;
    }

    /** This store applies the split into {@code child} as the parent's leader: campaign once the child is started. */
    void want(int child) {
        wanted.add(child);
    }

    /** The child group was just added here; campaigns for it if {@link #want} asked. */
    void started(int child) {
        if (wanted.remove(child)) {
            Thread t = new Thread(() -> campaign(child), "split-campaign-" + child);
            t.setDaemon(true);
            t.start();
        }
    }

    private void campaign(int child) {
        long startNanos = System.nanoTime();
        int stands = 0;
        // One probe per peer at a time, all at once: a busy store slow to answer must not hold up
        // the one that would vote (its threads end with Ratis' request timeout at the latest).
        java.util.concurrent.ExecutorService probing = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "split-campaign-" + child + "-probe");
            t.setDaemon(true);
            return t;
        });
        Map<RaftPeerId, CompletableFuture<Boolean>> probes = new HashMap<>();
        try {
            while (true) {
                Optional<RaftServer.Division> found = divisions.apply(child);
                if (found.isEmpty()) {
                    return; // removed meanwhile, or the host closed
                }
                RaftServer.Division d = found.get();
                DivisionInfo info = d.getInfo();
                long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
                if (info.isLeader() || info.getLeaderId() != null) {
                    LOG.info("shard {}: the split child has leader {} {} ms after it started here ({} stands)", child,
                            info.isLeader() ? self : info.getLeaderId(), elapsedMillis, stands);
                    return;
                }
                if (elapsedMillis >= GIVE_UP_MILLIS || !info.isAlive()) {
                    LOG.info("shard {}: no leader {} ms after it started here ({} stands); its election is left to "
                            + "Ratis' timers", child, elapsedMillis, stands);
                    return;
                }
                TermIndex last = lastEntry(d);
                if (info.isFollower() && last != null) {
                    boolean granted = false;
                    for (RaftPeer peer : d.getRaftConf().getCurrentPeers()) {
                        if (peer.getId().equals(self)) {
                            continue;
                        }
                        CompletableFuture<Boolean> probe = probes.get(peer.getId());
                        if (probe != null && probe.isDone() && probe.getNow(false)) {
                            granted = true;
                        } else if (probe == null || probe.isDone()) {
                            probes.put(peer.getId(), CompletableFuture.supplyAsync(() -> grantsPreVote(d, peer.getId(), last),
                                    probing));
                        }
                    }
                    if (granted) {
                        probes.clear(); // a stand that loses must be granted afresh before the next
                        if (stand(d, last)) {
                            stands++;
                        }
                    }
                }
                Thread.sleep(RETRY_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("shard {}: campaign for the split child stopped: {}", child, e.toString());
        } finally {
            probing.shutdown();
        }
    }

    /** True when {@code peer} grants this replica a pre-vote in the child now. */
    private boolean grantsPreVote(RaftServer.Division d, RaftPeerId peer, TermIndex last) {
        RequestVoteRequestProto preVote = RequestVoteRequestProto.newBuilder()
                .setServerRequest(request(d, peer))
                .setCandidateTerm(d.getInfo().getCurrentTerm() + 1)
                .setCandidateLastEntry(last.toProto())
                .setPreVote(true)
                .build();
        try {
            return server.getServerRpc().requestVote(preVote).getServerReply().getSuccess();
        } catch (IOException | RuntimeException e) {
            LOG.debug("shard {}: {} cannot vote yet: {}", ShardGroups.shardId(d.getGroup().getGroupId()), peer,
                    e.toString());
            return false;
        }
    }

    /** Asks this server to start the child's election now; true when Ratis took it. */
    private boolean stand(RaftServer.Division d, TermIndex last) {
        StartLeaderElectionRequestProto request = StartLeaderElectionRequestProto.newBuilder()
                .setServerRequest(request(d, self))
                .setLeaderLastEntry(last.toProto())
                .build();
        try {
            StartLeaderElectionReplyProto reply = server.startLeaderElection(request);
            return reply.getServerReply().getSuccess();
        } catch (IOException | RuntimeException e) {
            LOG.debug("shard {}: cannot stand for election now: {}", ShardGroups.shardId(d.getGroup().getGroupId()),
                    e.toString());
            return false;
        }
    }

    private RaftRpcRequestProto request(RaftServer.Division d, RaftPeerId to) {
        return RaftRpcRequestProto.newBuilder()
                .setRequestorId(self.toByteString())
                .setReplyId(to.toByteString())
                .setRaftGroupId(RaftGroupIdProto.newBuilder().setId(d.getGroup().getGroupId().toByteString()))
                .build();
    }

    /** The division's last entry: its log's last, or its snapshot's when the log is empty (as Ratis reckons it). */
    private static TermIndex lastEntry(RaftServer.Division d) {
        TermIndex last = d.getRaftLog().getLastEntryTermIndex();
        if (last == null) {
            SnapshotInfo snapshot = d.getStateMachine().getLatestSnapshot();
            last = snapshot == null ? null : snapshot.getTermIndex();
        }
        return last;
    }
}
