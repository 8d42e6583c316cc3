package io.ringcache.node.core;

import io.ringcache.placement.core.PartitionMap;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ShardLimits;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntConsumer;

/**
 * The store's request path: routes each request by the partition map ({@link Router}), serves it
 * on a local replica, forwards it to the leader's store, or refuses it with a typed failure.
 *
 * <p>A request that asks to be forwarded (HTTP, RESP, an SDK in forward mode) also waits for a
 * leader: while its shard has none (startup, failover, a leadership transfer) it is tried again,
 * with growing pauses, until it succeeds or its budget is spent. Only what certainly did not apply
 * is sent again; a write whose fate is unknown comes back as it failed, unless it is tagged
 * ({@link Command.Tagged}), which the shard applies once however often it arrives.
 * A request routed by a smart client (no forwarding) is answered at once, so the client re-routes.
 *
 * <p>A shard's refusal of a write ({@link CommandResult.Rejected}) comes back as a failure, so
 * every front door handles one form. Invariant: a returned future never completes exceptionally.
 */
public final class RequestPath implements KvRequests {

    /** The first pause before a retry; each retry doubles it up to {@link #MAX_PAUSE_MILLIS}. */
    static final long FIRST_PAUSE_MILLIS = 10;
    static final long MAX_PAUSE_MILLIS = 200;
    /**
     * The longest one forward of a request that may be sent again (a read, a tagged write) waits
     * for its answer. A leader cut off by a partition never answers, and is replaced within a few
     * election timeouts; waiting for it with the whole budget would spend the budget on it, while
     * a forward that gives up after this long is sent again to whichever leader this store's
     * replica knows by then. A request that cannot be sent again waits with its whole budget.
     */
    static final long FORWARD_ATTEMPT_MILLIS = 1_000;

    private final CurrentMap currentMap;
    private final LocalShards local;
    private final ShardForwarder forwarder;
    private final Pacer pacer;
    private final ShardLimits limits;
    private final IntConsumer servedHere;

    /**
     * @param servedHere told the shard of every request served on a local replica (a metric)
     */
    public RequestPath(CurrentMap currentMap, LocalShards local, ShardForwarder forwarder, Pacer pacer,
                       ShardLimits limits, IntConsumer servedHere) {
        this.currentMap = currentMap;
        this.local = local;
        this.forwarder = forwarder;
        this.pacer = pacer;
        this.limits = limits;
        this.servedHere = servedHere;
    }

    @Override
    public Optional<PartitionMap> map() {
        return currentMap.get();
    }

    @Override
    public CompletableFuture<ShardOutcome> submit(byte[] key, ShardOp op, Routing routing) {
        if (key.length == 0) {
            return failed(new KvFailure.InvalidArgument("key must not be empty"));
        }
        if (key.length > limits.maxKeyBytes()) {
            return failed(new KvFailure.KeyTooLarge(key.length, limits.maxKeyBytes()));
        }
        return attempt(key, -1, op, routing, pacer.nowMillis() + routing.budgetMillis(), 0);
    }

    @Override
    public CompletableFuture<ShardOutcome> submitToShard(int shardId, ShardOp op, Routing routing) {
        return attempt(null, shardId, op, routing, pacer.nowMillis() + routing.budgetMillis(), 0);
    }

    /** One try, then another after a pause while the failure allows it and the budget lasts. */
    private CompletableFuture<ShardOutcome> attempt(byte[] key, int shardId, ShardOp op, Routing routing,
                                                    long deadline, int retries) {
        long seen = currentMap.changes().version();
        return once(key, shardId, op, routing, deadline).thenCompose(outcome -> {
            if (!(outcome instanceof ShardOutcome.Failed f) || !routing.forward() || !sendAgain(f.failure(), op)
                    || (key == null && f.failure() instanceof KvFailure.KeyMoved)) {
                // A request for a named shard (a batch's part) that a split's parent refused would
                // be refused again: it goes back to the caller, which groups its keys afresh.
                return CompletableFuture.completedFuture(outcome);
            }
            long left = deadline - pacer.nowMillis();
            if (left <= 0) {
                return CompletableFuture.completedFuture(outcome);
            }
            long pause = Math.min(left, Math.min(MAX_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << Math.min(retries, 16)));
            return pauseOrNews(shardOf(f.failure()), seen, pause)
                    .handle((v, closed) -> closed != null ? CompletableFuture.completedFuture(outcome)
                            : attempt(key, shardId, op, routing, deadline, retries + 1))
                    .thenCompose(next -> next);
        });
    }

    /**
     * The pause before a retry, cut short by news that may route {@code shard} anew since version
     * {@code seen} ({@link RouteChanges}: a map, a leader learned here). Without that, a request
     * held for a child's first leader went on up to a pause (as long as 160 ms by then) after the
     * leader was known (bench/RESULTS.md, "Waking held requests"). The retry after news runs on the
     * pacer's thread, not on the Ratis or gRPC thread that brought it.
     */
    private CompletableFuture<?> pauseOrNews(int shard, long seen, long pause) {
        CompletableFuture<Void> timer = pacer.after(pause);
        if (shard < 0 || timer.isDone()) {
            return timer;
        }
        RouteChanges changes = currentMap.changes();
        CompletableFuture<Void> news = changes.next(shard, seen);
        timer.whenComplete((v, closed) -> changes.forget(shard, news));
        return CompletableFuture.anyOf(timer, news.thenCompose(v -> pacer.after(0)));
    }

    /** The shard a retryable failure names, or -1. */
    private static int shardOf(KvFailure failure) {
        if (failure instanceof KvFailure.NotLeader n) {
            return n.shardId();
        }
        if (failure instanceof KvFailure.Unavailable u) {
            return u.shardId();
        }
        return failure instanceof KvFailure.KeyMoved m ? m.shardId() : -1;
    }

    private CompletableFuture<ShardOutcome> once(byte[] key, int fixedShard, ShardOp op, Routing routing, long deadline) {
        Optional<PartitionMap> found = currentMap.get();
        if (found.isEmpty()) {
            return failed(new KvFailure.Unavailable(Math.max(0, fixedShard), "this store has no partition map yet", true));
        }
        PartitionMap map = found.get();
        int shard = fixedShard >= 0 ? fixedShard : map.ring().shardForKey(key);
        boolean anyReplica = op instanceof ShardOp.Read r && r.consistency().anyReplica();
        Route route = Router.route(map, shard, routing.epoch(), routing.forward(), anyReplica, local);
        if (route instanceof Route.Local) {
            servedHere.accept(shard);
            return served(shard, op, map.epoch());
        }
        if (route instanceof Route.Forward f) {
            long left = Math.max(1, deadline - pacer.nowMillis());
            return forwarder.forward(f.storeId(), f.grpcAddress(), shard, op, routing.epoch(),
                    resendable(op) ? Math.min(left, FORWARD_ATTEMPT_MILLIS) : left);
        }
        if (route instanceof Route.NotLeader n) {
            return failed(KvFailure.NotLeader.refused(n.shardId(), n.leaderId(), n.leaderAddress()));
        }
        if (route instanceof Route.StaleEpoch s) {
            return failed(new KvFailure.StaleEpoch(s.requestEpoch(), s.currentEpoch()));
        }
        Route.Unavailable u = (Route.Unavailable) route;
        return failed(new KvFailure.Unavailable(u.shardId(), u.message(), true));
    }

    private CompletableFuture<ShardOutcome> served(int shard, ShardOp op, long epoch) {
        CompletableFuture<ShardOutcome> call;
        try {
            if (op instanceof ShardOp.Read r) {
                long servedFrom = local.appliedIndex(shard); // before the read: a lower bound of what it sees
                call = local.read(shard, r.query(), r.consistency() == Consistency.STALE)
                        .thenApply(answer -> new ShardOutcome.Answered(shard, servedFrom, epoch, answer));
            } else {
                ShardOp.Write w = (ShardOp.Write) op;
                call = local.write(shard, w.command(), w.bytes()).thenApply(result -> result instanceof CommandResult.Rejected x
                        ? new ShardOutcome.Failed(refusal(shard, x, limits.memoryBudgetBytes()))
                        : new ShardOutcome.Applied(shard, local.appliedIndex(shard), epoch, result));
            }
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.exceptionally(error -> new ShardOutcome.Failed(failureOf(shard, error)));
    }

    /** The failure a local call's exception stands for ({@link LocalShards}' contract). */
    static KvFailure failureOf(int shard, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ShardCallFailedException f) {
            return f.failure();
        }
        return new KvFailure.Unavailable(shard, cause.getClass().getSimpleName() + ": " + cause.getMessage(), false);
    }

    /** The failure a shard's refusal of a command stands for. */
    static KvFailure refusal(int shard, CommandResult.Rejected rejected, long budgetBytes) {
        return switch (rejected.error()) {
            case KEY_TOO_LARGE -> new KvFailure.KeyTooLarge(0, 0);
            case VALUE_TOO_LARGE -> new KvFailure.ValueTooLarge(0, 0);
            case RESOURCE_EXHAUSTED -> new KvFailure.ResourceExhausted(shard, budgetBytes, rejected.message());
            case INVALID_ARGUMENT -> new KvFailure.InvalidArgument(rejected.message());
            case WRONG_SHARD -> new KvFailure.KeyMoved(shard, rejected.message());
        };
    }

    /**
     * True when sending {@code op} again after {@code failure} cannot apply it twice and may
     * succeed: reads always; writes when nothing was proposed, or when the shard deduplicates them;
     * anything a split's parent refused (the retry routes by the map that has the split).
     */
    static boolean sendAgain(KvFailure failure, ShardOp op) {
        if (failure instanceof KvFailure.NotLeader n) {
            return resendable(op) || !n.maybeApplied();
        }
        if (failure instanceof KvFailure.Unavailable u) {
            return resendable(op) || u.notApplied();
        }
        // Refused before anything applied; this store's map learns of the split in a moment.
        return failure instanceof KvFailure.KeyMoved;
    }

    /** Whether {@code op} may be sent again whatever became of it: a read, or a write the shard deduplicates. */
    static boolean resendable(ShardOp op) {
        return op instanceof ShardOp.Read || op instanceof ShardOp.Write w && w.command() instanceof Command.Tagged;
    }

    private static CompletableFuture<ShardOutcome> failed(KvFailure failure) {
        return CompletableFuture.completedFuture(new ShardOutcome.Failed(failure));
    }
}
