package io.ringcache.node.adapter.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.proto.v1.KvGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One forwarded, tagged write until it is answered: sent to the store the caller chose first, then,
 * after a failure that may have applied, again with the same tag to whichever store leads the
 * shard by then, until its deadline. The tag (a client id and sequence of the forwarding store's
 * own, {@link ForwardSessions} or a put lane's) makes the shard apply it once however often it
 * arrives ({@code ClientSessions}). Before, a write forwarded to a leader cut off by a partition
 * waited out its whole budget and failed with an unknown outcome (chaos/README.md, finding 17).
 *
 * <p>Each attempt gets {@link #ATTEMPT_MILLIS}, doubled on each later one up to 8 times it, so a
 * merely slow leader still answers. Without a way to find the leader ({@code leaders} null) the
 * one attempt has the whole budget.
 *
 * @param <R> the call's reply
 */
final class ForwardResend<R> {

    /** The first attempt's wait for its answer (as the request path's own forwards). */
    static final long ATTEMPT_MILLIS = 1_000;
    /** The pause before a write is sent again when no leader is known or the last one refused it. */
    static final long RESEND_PAUSE_MILLIS = 50;
    /** gRPC statuses a store answers before it proposes anything: final, and never applied. */
    private static final java.util.Set<Status.Code> REFUSALS = java.util.EnumSet.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED, Status.Code.UNIMPLEMENTED, Status.Code.FAILED_PRECONDITION);

    /** How a store refused the write, as far as sending it again is concerned. */
    enum Refusal {
        /** Answered, or refused for good: the reply is the caller's. */
        NONE,
        /** No leader there (not the leader, none yet): another leader may take it. */
        NO_LEADER,
        /** No leader there, and the store says it may have applied (a leader that lost its term). */
        NO_LEADER_MAYBE_APPLIED,
        /** Its key moved to a split's child: routed again by the caller it would get a new tag. */
        KEY_MOVED;

        /** The refusal one write's outcome makes. */
        static Refusal of(ShardOutcome outcome) {
            if (!(outcome instanceof ShardOutcome.Failed f)) {
                return NONE;
            }
            if (f.failure() instanceof KvFailure.KeyMoved) {
                return KEY_MOVED;
            }
            if (f.failure() instanceof KvFailure.NotLeader n) {
                return n.maybeApplied() ? NO_LEADER_MAYBE_APPLIED : NO_LEADER;
            }
            if (f.failure() instanceof KvFailure.Unavailable u) {
                return u.notApplied() ? NO_LEADER : NO_LEADER_MAYBE_APPLIED;
            }
            return NONE;
        }
    }

    private final StoreChannels channels;
    private final GrpcShardForwarder.LeaderLookup leaders;
    private final int shardId;
    private final long deadlineNanos;
    private final Function<KvGrpc.KvFutureStub, ListenableFuture<R>> call;
    private final Function<R, Refusal> refusalOf;
    private final Consumer<R> answered;
    private final Consumer<KvFailure> failed;
    private int attempts;

    /**
     * @param leaders   where a write that may have applied is sent again; null: it is not
     * @param call      makes the (same, tagged) request on a stub whose deadline is set
     * @param refusalOf how a reply refuses the write
     * @param answered  takes the reply that ends it (exactly one of the two consumers runs, once)
     * @param failed    takes the failure that ends it
     */
    ForwardResend(StoreChannels channels, GrpcShardForwarder.LeaderLookup leaders, int shardId, long deadlineNanos,
                  Function<KvGrpc.KvFutureStub, ListenableFuture<R>> call, Function<R, Refusal> refusalOf,
                  Consumer<R> answered, Consumer<KvFailure> failed) {
        this.channels = channels;
        this.leaders = leaders;
        this.shardId = shardId;
        this.deadlineNanos = deadlineNanos;
        this.call = call;
        this.refusalOf = refusalOf;
        this.answered = answered;
        this.failed = failed;
    }

    /** Sends the write to {@code address} (its channel may not open: that is a failure too). */
    void sendTo(String storeId, String address) {
        KvGrpc.KvFutureStub stub;
        try {
            stub = KvGrpc.newFutureStub(channels.to(address));
        } catch (RuntimeException e) {
            failed.accept(new KvFailure.Unavailable(shardId,
                    "cannot reach " + storeId + " at " + address + ": " + e.getMessage(), true));
            return;
        }
        send(storeId, stub, false);
    }

    /**
     * @param stub         a stub to the store, without a deadline of its own
     * @param maybeApplied whether an earlier attempt may have applied the write
     */
    private void send(String storeId, KvGrpc.KvFutureStub stub, boolean maybeApplied) {
        long attempt = leaders == null ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(ATTEMPT_MILLIS << Math.min(attempts++, 3));
        long left = Math.max(1, deadlineNanos - System.nanoTime());
        ListenableFuture<R> reply;
        try {
            reply = call.apply(stub.withDeadlineAfter(Math.min(left, attempt), TimeUnit.NANOSECONDS));
        } catch (RuntimeException e) {
            failed.accept(new KvFailure.Unavailable(shardId, "forwarding to " + storeId + " failed: " + e, !maybeApplied));
            return;
        }
        Futures.addCallback(reply, new FutureCallback<R>() {
            @Override
            public void onSuccess(R r) {
                Refusal refusal = refusalOf.apply(r);
                if ((refusal == Refusal.NO_LEADER_MAYBE_APPLIED || maybeApplied && refusal == Refusal.NO_LEADER) && resend()) {
                    return;
                }
                if (maybeApplied && refusal == Refusal.KEY_MOVED) {
                    unknown("the write may have applied before shard " + shardId + " split");
                    return;
                }
                if (maybeApplied && refusal == Refusal.NO_LEADER) {
                    // This attempt was refused before it was proposed, but an earlier one may have
                    // applied: passing the refusal on would let the caller send the write again,
                    // untagged, and apply it twice.
                    unknown("the write may have applied on an earlier attempt; no leader of shard " + shardId
                            + " took it again in time");
                    return;
                }
                answered.accept(r);
            }

            @Override
            public void onFailure(Throwable t) {
                // A status the store answers before proposing anything (bad input, no permission)
                // is final: sending the write again would be refused again. A call refused at
                // connect did not apply either, but another leader may take it.
                boolean rejected = REFUSALS.contains(Status.fromThrowable(t).getCode());
                boolean applied = maybeApplied || !rejected && !GrpcShardForwarder.refusedAtConnect(t);
                if (!rejected && applied && resend()) {
                    return;
                }
                failed.accept(new KvFailure.Unavailable(shardId, "forwarding to " + storeId + " failed: "
                        + Status.fromThrowable(t), !applied));
            }
        }, MoreExecutors.directExecutor());
    }

    /** Sends the write again after a pause, to the leader known then; false when that is not possible. */
    private boolean resend() {
        if (leaders == null || deadlineNanos - System.nanoTime() <= TimeUnit.MILLISECONDS.toNanos(RESEND_PAUSE_MILLIS)) {
            return false;
        }
        CompletableFuture.delayedExecutor(RESEND_PAUSE_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
            // Nothing may escape: the executor would swallow it and the write would never be answered.
            try {
                GrpcShardForwarder.Target target = leaders.leaderOf(shardId).orElse(null);
                KvGrpc.KvFutureStub stub = target == null ? null : KvGrpc.newFutureStub(channels.to(target.address()));
                if (stub != null) {
                    send(target.storeId(), stub, true);
                } else if (!resend()) {
                    unknown("no leader of shard " + shardId + " answered in time");
                }
            } catch (RuntimeException e) {
                unknown("sending the write to shard " + shardId + "'s leader again failed: " + e);
            }
        });
        return true;
    }

    private void unknown(String why) {
        failed.accept(new KvFailure.Unavailable(shardId, why, false));
    }
}
