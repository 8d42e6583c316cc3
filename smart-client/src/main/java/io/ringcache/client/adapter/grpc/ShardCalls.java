package io.ringcache.client.adapter.grpc;

import io.ringcache.client.RingcacheException;
import io.ringcache.client.core.Failure;
import io.ringcache.client.core.RouteTable;
import io.ringcache.client.core.ShardRetry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The retry loop of every shard-scoped call, as gRPC plumbing: the decisions (where each attempt
 * goes, how a failure is answered) are the pure {@link ShardRetry}'s; this class sends, waits on
 * the timer and refreshes the map as it says. Nothing is retried past the call's deadline; each
 * attempt is given the attempt timeout (at most the remaining time) as its gRPC deadline, so an
 * attempt at a store that stopped answering (a leader cut off by a partition) ends in time for
 * another replica to take the call.
 */
final class ShardCalls {

    /**
     * Where an attempt goes and how.
     *
     * @param alone                the call's writes go in a request of their own, not a coalesced one
     *                             (the call met a split's refusal: {@link ShardRetry})
     * @param callDeadlineNanos    the call's deadline: what a write lane's resender may spend on
     *                             one identical write, re-sending it itself after each RPC's timeout
     * @param attemptDeadlineNanos this attempt's deadline, its attempt timeout after it began (never
     *                             past the call's; see {@link #attemptTimeoutNanos}): one RPC waits no
     *                             longer, so a store that stopped answering costs one attempt, not the call
     */
    record Target(String address, boolean forward, boolean alone, long epoch, long callDeadlineNanos, long attemptDeadlineNanos) {
        /** What one RPC of this attempt may take. */
        long remainingMillis() {
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(attemptDeadlineNanos - System.nanoTime()));
        }
    }

    /** One attempt's answer: a value, or the failure to react to. */
    record Outcome<T>(T value, Failure failure) {
        static <T> Outcome<T> ok(T value) {
            return new Outcome<>(value, null);
        }

        static <T> Outcome<T> failed(Failure f) {
            return new Outcome<>(null, f);
        }
    }

    interface Attempt<T> {
        CompletableFuture<Outcome<T>> send(Target target);
    }

    /** LEADER: writes and linearizable reads; ANY_REPLICA: follower and stale reads. */
    enum Routing { LEADER, ANY_REPLICA }

    private final PlacementWatcher watcher;
    private final ScheduledExecutorService timer;
    private final Runnable onRetry;
    private final java.util.function.IntConsumer onDone;
    private final long attemptNanos;

    /**
     * @param onDone       told, when a call ends either way, how many attempts it took (so redirect
     *                     loops show up as a growing attempts distribution)
     * @param attemptNanos the most one attempt may take (the attempt timeout)
     */
    ShardCalls(PlacementWatcher watcher, ScheduledExecutorService timer, Runnable onRetry,
               java.util.function.IntConsumer onDone, long attemptNanos) {
        this.attemptNanos = attemptNanos;
        this.watcher = watcher;
        this.timer = timer;
        this.onRetry = onRetry;
        this.onDone = onDone;
    }

    <T> CompletableFuture<T> run(int shardId, Routing routing, long deadlineNanos, String what, Attempt<T> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Loop<T> loop = new Loop<>(shardId, routing, deadlineNanos, what, attempt, result);
        result.whenComplete((v, e) -> onDone.accept(loop.retry.attempts()));
        loop.step();
        return result;
    }

    /**
     * The timeout of attempt {@code attempt} (1 = the first): the attempt timeout, doubled for each
     * attempt before it (at most 16 times it). The first attempt gives up on a silent store soon;
     * a later one waits longer, so an RPC that is merely slow (a large batch on a loaded store)
     * still completes rather than being cut short at every try.
     */
    static long attemptTimeoutNanos(long attemptNanos, int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, 4));
        return attemptNanos > Long.MAX_VALUE >> doublings ? Long.MAX_VALUE : attemptNanos << doublings;
    }

    /** Carries out one call's {@link ShardRetry} decisions: sends, waits, map refreshes. */
    private final class Loop<T> {
        private final int shardId;
        private final long deadlineNanos;
        private final String what;
        private final Attempt<T> attempt;
        private final CompletableFuture<T> result;
        private final ShardRetry retry;

        Loop(int shardId, Routing routing, long deadlineNanos, String what, Attempt<T> attempt, CompletableFuture<T> result) {
            this.shardId = shardId;
            this.deadlineNanos = deadlineNanos;
            this.what = what;
            this.attempt = attempt;
            this.result = result;
            this.retry = new ShardRetry(shardId, routing == Routing.LEADER, deadlineNanos,
                    () -> ThreadLocalRandom.current().nextDouble(), n -> ThreadLocalRandom.current().nextInt(n));
        }

        void step() {
            if (!result.isDone()) {
                RouteTable table = watcher.table();
                act(retry.next(table, System.nanoTime()), table);
            }
        }

        private void act(ShardRetry.Decision d, RouteTable table) {
            if (d instanceof ShardRetry.Decision.Send send) {
                send(send, table);
            } else if (d instanceof ShardRetry.Decision.Wait wait) {
                watcher.refresh();
                try {
                    timer.schedule(this::step, wait.millis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    result.completeExceptionally(new RingcacheException.Closed());
                }
            } else if (d instanceof ShardRetry.Decision.Refresh refresh) {
                watcher.refresh(refresh.atLeastEpoch()).whenComplete((t, e) -> step());
            } else if (d instanceof ShardRetry.Decision.FollowHint hint) {
                watcher.leaderHint(shardId, hint.storeId(), hint.address());
                step();
            } else {
                ShardRetry.Decision.Fail fail = (ShardRetry.Decision.Fail) d;
                result.completeExceptionally(WireErrors.exception(shardId, fail.failure(), fail.timedOut(), what));
            }
        }

        private void send(ShardRetry.Decision.Send send, RouteTable table) {
            CompletableFuture<Outcome<T>> sent;
            try {
                long attemptDeadline = Math.min(deadlineNanos, System.nanoTime() + attemptTimeoutNanos(attemptNanos, retry.attempts()));
                sent = attempt.send(new Target(send.address(), send.forward(), send.alone(), table.epoch(), deadlineNanos, attemptDeadline));
            } catch (RuntimeException e) {
                sent = CompletableFuture.completedFuture(Outcome.failed(WireErrors.of(shardId, e)));
            }
            sent.whenComplete((outcome, error) -> {
                Outcome<T> o = error != null ? Outcome.failed(WireErrors.of(shardId, error)) : outcome;
                if (o.failure() == null) {
                    result.complete(o.value());
                    return;
                }
                ShardRetry.Decision next = retry.failed(send.address(), o.failure(), System.nanoTime());
                if (!(next instanceof ShardRetry.Decision.Fail)) {
                    onRetry.run();
                }
                act(next, watcher.table());
            });
        }
    }
}
