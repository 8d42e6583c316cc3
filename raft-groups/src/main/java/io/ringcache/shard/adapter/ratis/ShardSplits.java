package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.adapter.ratis.ShardGroupHost.Replica;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ShardError;
import io.ringcache.shard.core.SlotSet;
import io.ringcache.shard.core.SplitProposal;
import io.ringcache.shard.core.SplitProposal.FollowerCopy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits on this store: proposing one on a parent this store leads, and starting the child
 * replicas whose starting state the parent's replica left here ({@link SplitSeeds}).
 *
 * <h2>A split, on every replica of the parent</h2>
 * <pre>
 *   leader: split(parent, child, slots)  -> proposes PrepareSplit{child, slots}
 *   each replica, applying that entry:      notes the slots' writes from here, copies the slots
 *                                          in the background (SplitCopies)
 *   leader, once its own copy is written
 *   and a majority's are (SplitProposal)  -> proposes Split{child, slots, voters of the parent}
 *   each replica, applying that entry:      writes the child's seed (if it is one of the voters),
 *                                          merging its copy with the keys written since
 *                                          drops the slots' keys, refuses them from then on
 *   each replica, on this host's ticker:    adds the child group with those voters; the child
 *                                          loads the seed as its first snapshot
 *   the replica that led the parent:        stands for the child's election at once
 *                                          (ChildCampaigns); the others keep
 *                                          Ratis' first-election timers
 * </pre>
 * The child's voters are the parent's at proposal time, carried in the entry, so every replica
 * starts the same group; a split is refused while the parent's membership is changing. A store
 * that restarts before it started the child starts it from the seed on its first tick. Owned by
 * {@link ShardGroupHost}; {@link #tick} runs on the host's ticker thread only.
 */
public final class ShardSplits {

    private static final Logger LOG = LoggerFactory.getLogger(ShardSplits.class);

    /** Submits commands to a shard as one entry (the host's write path). */
    @FunctionalInterface
    interface Submit {
        CompletableFuture<List<CommandResult>> submit(int shardId, List<Command> commands);
    }

    private final SplitSeeds seeds;
    private final HostedGroups groups;
    private final IntFunction<Optional<RaftServer.Division>> divisions;
    private final IntToLongFunction appliedIndex;
    private final Submit submit;
    private final ChildCampaigns campaigns;
    private final String selfId;
    private final ScheduledExecutorService timer;
    private volatile PeerSplitCopies peerCopies;

    /**
     * @param campaigns stands for the first election of the children this store applied a split for as the parent's leader
     * @param selfId    this store's replica id
     * @param timer     schedules the leader's rounds of asking the followers' stores about their copies
     */
    ShardSplits(SplitSeeds seeds, HostedGroups groups, IntFunction<Optional<RaftServer.Division>> divisions,
                IntToLongFunction appliedIndex, Submit submit, ChildCampaigns campaigns, String selfId,
                ScheduledExecutorService timer) {
        this.seeds = seeds;
        this.groups = groups;
        this.divisions = divisions;
        this.appliedIndex = appliedIndex;
        this.submit = submit;
        this.campaigns = campaigns;
        this.selfId = selfId;
        this.timer = timer;
    }

    /**
     * How this store's leaders ask other replicas' stores about their copies of an announced split
     * (the store node's RPC). Until it is set a leader proposes a split once its own copy is written.
     */
    public void peerCopiesThrough(PeerSplitCopies peers) {
        this.peerCopies = peers;
    }

    /**
     * How this store's copy of the split of {@code parent} into {@code child} announced at
     * {@code announcedIndex} stands: the answer to another store's {@link PeerSplitCopies} question.
     */
    public FollowerCopy copyState(int parent, int child, long announcedIndex) {
        if (divisions.apply(parent).isEmpty()) {
            return FollowerCopy.NONE;
        }
        return seeds.copies().state(parent, child, announcedIndex, appliedIndex.applyAsLong(parent));
    }

    /**
     * Splits {@code parent}, which this store leads: at the entry this proposes, every replica
     * hands the keys of {@code slots} to a new shard {@code child} whose voters are the parent's,
     * and the parent refuses those keys from then on. Idempotent: the same split again completes
     * with {@code alreadyDone}.
     *
     * @param expectedVoters the parent's voters as the caller knows them; the split is refused if
     *                       the group's differ (empty: no check)
     * @return completes with the split's outcome, or fails with a {@link ShardCallException}
     *         (not the leader, membership changing, refused as invalid)
     */
    public CompletableFuture<CommandResult.SplitDone> split(int parent, int child, SlotSet slots,
                                                            Collection<String> expectedVoters) {
        ShardCallException refused = refusal(parent, expectedVoters);
        if (refused != null) {
            return failed(refused);
        }
        // First the announcement: every replica starts copying the slots in the background while it
        // goes on applying; the split's entry then merges, and the moving keys wait only for that.
        return submit.submit(parent, List.of(new Command.PrepareSplit(child, slots))).thenCompose(results -> {
            CommandResult r = results.get(0);
            if (r instanceof CommandResult.SplitDone done) {
                return CompletableFuture.completedFuture(done); // the same split applied before
            }
            if (r instanceof CommandResult.Rejected x) {
                throw new java.util.concurrent.CompletionException(rejected(parent, x));
            }
            long announced = System.nanoTime();
            return seeds.copies().copied(parent, child)
                    .completeOnTimeout(-1L, COPY_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((entries, e) -> e != null ? new OwnCopy(false, "this replica has no copy: " + e.getMessage())
                            : entries < 0 ? new OwnCopy(false, "its copy is not done yet")
                            : new OwnCopy(true, "copy of " + entries + " entries done"))
                    .thenCompose(own -> !own.written() ? CompletableFuture.completedFuture(own.what())
                            : followersCopied(parent, child, Math.min(announced + COPY_WAIT.toNanos(),
                                    System.nanoTime() + FOLLOWER_COPY_WAIT.toNanos())).thenApply(f -> own.what() + "; " + f))
                    .thenCompose(why -> {
                        LOG.info("shard {}: proposing the split into shard {} {} ms after announcing it ({})", parent, child,
                                (System.nanoTime() - announced) / 1_000_000, why);
                        return propose(parent, child, slots, expectedVoters);
                    });
        });
    }

    /** How long the leader waits for its own background copy before it proposes the split anyway. */
    static final java.time.Duration COPY_WAIT = java.time.Duration.ofSeconds(20); // within the placement driver's 30 s call
    /**
     * How long, once its own copy is written, the leader waits for a majority's
     * ({@link SplitProposal}); never past {@link #COPY_WAIT} after the announcement. The three
     * copies of a 32 MiB half took 0.8-3.4 s on this machine's two shared cores (bench/RESULTS.md),
     * so a follower more than 5 s behind the leader is one to stop waiting for.
     */
    static final java.time.Duration FOLLOWER_COPY_WAIT = java.time.Duration.ofSeconds(5);
    /** Between two rounds of asking the followers' stores. */
    static final long FOLLOWER_ROUND_MILLIS = 20;
    /** How long a round waits for a store's answer; one that has not answered counts as UNKNOWN. */
    static final long FOLLOWER_ANSWER_MILLIS = 500;

    private record OwnCopy(boolean written, String what) {
    }

    /**
     * Completes, with what the followers answered, once {@link SplitProposal} says the leader
     * proposes: a majority's copies written, none of the others still coming, or at
     * {@code deadlineNanos}. At once without a way to ask ({@link #peerCopiesThrough}).
     */
    private CompletableFuture<String> followersCopied(int parent, int child, long deadlineNanos) {
        PeerSplitCopies peers = peerCopies;
        long index = seeds.copies().announcedIndex(parent, child);
        if (peers == null || index < 0) {
            return CompletableFuture.completedFuture("followers not asked");
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        askFollowers(peers, parent, child, index, deadlineNanos, ready);
        return ready;
    }

    private void askFollowers(PeerSplitCopies peers, int parent, int child, long index, long deadlineNanos,
                              CompletableFuture<String> ready) {
        Optional<RaftServer.Division> d = divisions.apply(parent);
        if (d.isEmpty() || !d.get().getInfo().isLeader()) {
            ready.complete("no longer the leader"); // propose() refuses it with the leader's hint
            return;
        }
        List<Replica> voters = ShardMembership.members(d.get(), RaftPeerRole.FOLLOWER);
        List<String> others = new ArrayList<>();
        List<CompletableFuture<FollowerCopy>> answers = new ArrayList<>();
        for (Replica v : voters) {
            if (!v.peerId().equals(selfId)) {
                others.add(v.peerId());
                answers.add(ask(peers, v.peerId(), parent, child, index));
            }
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((ignored, e) -> {
            List<FollowerCopy> states = new ArrayList<>();
            answers.forEach(a -> states.add(a.getNow(FollowerCopy.UNKNOWN)));
            boolean past = System.nanoTime() >= deadlineNanos;
            if (SplitProposal.proposeNow(voters.size(), states, past)) {
                StringBuilder what = new StringBuilder("followers:");
                for (int i = 0; i < others.size(); i++) {
                    what.append(' ').append(others.get(i)).append(' ').append(states.get(i));
                }
                ready.complete(past ? what + ", waited as long as it does" : what.toString());
                return;
            }
            try {
                timer.schedule(() -> askFollowers(peers, parent, child, index, deadlineNanos, ready),
                        FOLLOWER_ROUND_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                ready.complete("closing");
            }
        });
    }

    private static CompletableFuture<FollowerCopy> ask(PeerSplitCopies peers, String peerId, int parent, int child, long index) {
        try {
            return peers.state(peerId, parent, child, index)
                    .completeOnTimeout(FollowerCopy.UNKNOWN, FOLLOWER_ANSWER_MILLIS, TimeUnit.MILLISECONDS)
                    .exceptionally(e -> FollowerCopy.UNKNOWN);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(FollowerCopy.UNKNOWN);
        }
    }

    /** Proposes the split itself, checked again: leadership or membership may have changed since the announcement. */
    private CompletableFuture<CommandResult.SplitDone> propose(int parent, int child, SlotSet slots,
                                                               Collection<String> expectedVoters) {
        ShardCallException refused = refusal(parent, expectedVoters);
        if (refused != null) {
            return failed(refused);
        }
        RaftServer.Division d = divisions.apply(parent).orElseThrow();
        List<Replica> voters = ShardMembership.members(d, RaftPeerRole.FOLLOWER);
        Command.Split command = new Command.Split(child, slots, ChildMembers.encode(voters));
        // The leader's replica proposes an empty entry as it starts applying the split (SplitSeeds),
        // so the followers learn of the commit at once and every replica starts the child within
        // milliseconds of the others, and its first election finds all of them.
        return submit.submit(parent, List.of(command)).thenApply(results -> {
            CommandResult r = results.get(0);
            if (r instanceof CommandResult.SplitDone done) {
                return done;
            }
            throw new java.util.concurrent.CompletionException(rejected(parent, (CommandResult.Rejected) r));
        });
    }

    /**
     * Why this store cannot split {@code parent} now (not hosted, not its leader, membership
     * changing, other voters than the caller expects), or null when it can.
     */
    private ShardCallException refusal(int parent, Collection<String> expectedVoters) {
        Optional<RaftServer.Division> found = divisions.apply(parent);
        if (found.isEmpty()) {
            return new ShardCallException(parent, ShardCallException.Reason.UNAVAILABLE, null,
                    "shard " + parent + " is not hosted here");
        }
        RaftServer.Division d = found.get();
        if (!d.getInfo().isLeader()) {
            String leader = d.getInfo().getLeaderId() == null ? null : d.getInfo().getLeaderId().toString();
            return new ShardCallException(parent, ShardCallException.Reason.NOT_LEADER, leader, "not the leader");
        }
        RaftConfiguration conf = d.getRaftConf();
        // Joint consensus, a learner catching up, or a configuration not yet committed (applied).
        if (!conf.getPreviousPeers().isEmpty() || !conf.getCurrentPeers(RaftPeerRole.LISTENER).isEmpty()
                || conf.getLogEntryIndex() > d.getInfo().getLastAppliedIndex()) {
            return new ShardCallException(parent, ShardCallException.Reason.UNAVAILABLE, null,
                    "the membership of shard " + parent + " is changing; split it when that is done");
        }
        TreeSet<String> ids = new TreeSet<>();
        ShardMembership.members(d, RaftPeerRole.FOLLOWER).forEach(v -> ids.add(v.peerId()));
        if (!expectedVoters.isEmpty() && !ids.equals(new TreeSet<>(expectedVoters))) {
            return new ShardCallException(parent, ShardCallException.Reason.UNAVAILABLE, null,
                    "shard " + parent + " has voters " + ids + ", not " + new TreeSet<>(expectedVoters)
                            + " as the caller expects; split it when its map is current");
        }
        return null;
    }

    private static ShardCallException rejected(int parent, CommandResult.Rejected x) {
        return new ShardCallException(parent, x.error() == ShardError.INVALID_ARGUMENT
                ? ShardCallException.Reason.INVALID_ARGUMENT : ShardCallException.Reason.UNAVAILABLE, null, x.message());
    }

    /**
     * A replica of {@code parent} here starts to apply its split into {@code child}: if it leads
     * the parent, it campaigns for the child once the child is started ({@link ChildCampaigns}).
     */
    void applying(int parent, int child) {
        if (divisions.apply(parent).map(d -> d.getInfo().isLeader()).orElse(false)) {
            campaigns.want(child);
        }
    }

    /** {@link #tick}, logging instead of throwing: it runs on the host's shared ticker. */
    void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("starting split children failed: {}", e.toString());
        }
    }

    /**
     * Starts every child a seed names that is not hosted yet, and deletes the seeds of children
     * that applied past them (a replica needs its seed until then: a restart before its first
     * entry reloads it).
     */
    void tick() {
        for (SplitSeeds.Seed seed : seeds.pending()) {
            int child = seed.childShard();
            if (divisions.apply(child).isEmpty()) {
                try {
                    groups.add(child, seed.members(), List.of());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot start shard {} from its split seed yet: {}", child, e.toString());
                    continue;
                }
                campaigns.started(child);
            } else if (appliedIndex.applyAsLong(child) > seed.splitIndex()) {
                seeds.done(seed);
            }
        }
        for (var orphan : seeds.orphans().entrySet()) {
            int child = orphan.getKey();
            if (divisions.apply(child).isPresent()) {
                seeds.orphans().remove(child);
                continue;
            }
            try {
                groups.add(child, orphan.getValue(), List.of());
                seeds.orphans().remove(child);
                LOG.info("started shard {} empty: this store learned of its split from a snapshot, and its leader "
                        + "sends it the state", child);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot start shard {} (split learned from a snapshot) yet: {}", child, e.toString());
            }
        }
    }

    /**
     * {@code lost} plus the children a parent named this store a member of at its start that it
     * neither hosts, nor has a seed for, nor will start empty ({@link SplitSeeds#loadedAtStart}).
     */
    java.util.SortedSet<Integer> withUnstartedChildren(java.util.SortedSet<Integer> lost) {
        for (java.util.Iterator<Integer> it = seeds.unstartedAtStart().iterator(); it.hasNext(); ) {
            int child = it.next();
            if (divisions.apply(child).isPresent()) {
                it.remove(); // hosted: started after all, or the usual case of a child running here
            } else if (!seeds.orphans().containsKey(child) && seeds.seed(child).isEmpty()) {
                lost.add(child);
            }
        }
        return lost;
    }

    private static <T> CompletableFuture<T> failed(Throwable t) {
        return CompletableFuture.failedFuture(t);
    }
}
