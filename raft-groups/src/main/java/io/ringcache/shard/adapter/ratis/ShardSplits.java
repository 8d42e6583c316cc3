package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.adapter.ratis.ShardGroupHost.Replica;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ShardError;
import io.ringcache.shard.core.SlotSet;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
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
 *   leader, once its own copy is written -> proposes Split{child, slots, voters of the parent}
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

    /** @param campaigns stands for the first election of the children this store applied a split for as the parent's leader */
    ShardSplits(SplitSeeds seeds, HostedGroups groups, IntFunction<Optional<RaftServer.Division>> divisions,
                IntToLongFunction appliedIndex, Submit submit, ChildCampaigns campaigns) {
        this.seeds = seeds;
        this.groups = groups;
        this.divisions = divisions;
        this.appliedIndex = appliedIndex;
        this.submit = submit;
        this.campaigns = campaigns;
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
                    .completeOnTimeout(-1L, COPY_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .handle((entries, e) -> {
                        LOG.info("shard {}: proposing the split into shard {} {} ms after announcing it ({})", parent, child,
                                (System.nanoTime() - announced) / 1_000_000,
                                e != null ? "this replica has no copy: " + e.getMessage()
                                        : entries < 0 ? "its copy is not done yet" : "copy of " + entries + " entries done");
                        return entries;
                    })
                    .thenCompose(ignored -> propose(parent, child, slots, expectedVoters));
        });
    }

    /** How long the leader waits for its own background copy before it proposes the split anyway. */
    static final java.time.Duration COPY_WAIT = java.time.Duration.ofSeconds(20); // within the placement driver's 30 s call

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
