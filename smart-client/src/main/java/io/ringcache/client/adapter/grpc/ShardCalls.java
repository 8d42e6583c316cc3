package io.ringcache.client.adapter.grpc;

import io.ringcache.client.RingcacheException;
import io.ringcache.client.core.Backoff;
import io.ringcache.client.core.Failure;
import io.ringcache.client.core.RouteTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The retry loop of every shard-scoped call: picks where to send each attempt, and reacts to its
 * failure. NotLeader moves to the named leader at once; StaleEpoch refreshes the map first; an
 * unreachable store or a shard without a leader backs off (exponential, full jitter) and tries
 * another replica with {@code forward} set, so any live replica can proxy to the leader while
 * the map catches up. Nothing is retried past the call's deadline; the attempt itself is given
 * the remaining time as its gRPC deadline.
 */
final class ShardCalls {

    /** Where an attempt goes and how. */
    record Target(String address, boolean forward, long epoch, long deadlineNanos) {
        long remainingMillis() {
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
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

    /** NotLeader answers followed at once before backing off (a leader change takes a round or two). */
    private static final int QUICK_HOPS = 3;

    private final PlacementWatcher watcher;
    private final ScheduledExecutorService timer;
    private final Backoff backoff;
    private final Runnable onRetry;
    private final java.util.function.IntConsumer onDone;

    /**
     * @param onDone told, when a call ends either way, how many attempts it took (so redirect
     *               loops show up as a growing attempts distribution)
     */
    ShardCalls(PlacementWatcher watcher, ScheduledExecutorService timer, Runnable onRetry,
               java.util.function.IntConsumer onDone) {
        this.watcher = watcher;
        this.timer = timer;
        this.onRetry = onRetry;
        this.onDone = onDone;
        this.backoff = new Backoff(20, 1_000, () -> ThreadLocalRandom.current().nextDouble());
    }

    <T> CompletableFuture<T> run(int shardId, Routing routing, long deadlineNanos, String what, Attempt<T> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Loop<T> loop = new Loop<>(shardId, routing, deadlineNanos, what, attempt, result);
        result.whenComplete((v, e) -> onDone.accept(loop.attempts));
        loop.step();
        return result;
    }

    private final class Loop<T> {
        private final int shardId;
        private final Routing routing;
        private final long deadlineNanos;
        private final String what;
        private final Attempt<T> attempt;
        private final CompletableFuture<T> result;
        private final Set<String> avoid = new HashSet<>();
        private Failure last;
        private boolean forward;
        private int attempts;
        private int quickHops;

        Loop(int shardId, Routing routing, long deadlineNanos, String what, Attempt<T> attempt, CompletableFuture<T> result) {
            this.shardId = shardId;
            this.routing = routing;
            this.deadlineNanos = deadlineNanos;
            this.what = what;
            this.attempt = attempt;
            this.result = result;
        }

        void step() {
            if (result.isDone()) {
                return;
            }
            if (System.nanoTime() >= deadlineNanos) {
                result.completeExceptionally(WireErrors.exception(shardId, last, true, what));
                return;
            }
            RouteTable table = watcher.table();
            String address = pick(table);
            if (address == null) {
                last = last != null ? last : new Failure.Unavailable(shardId, "no known replica of shard " + shardId);
                watcher.refresh();
                later();
                return;
            }
            attempts++;
            CompletableFuture<Outcome<T>> sent;
            try {
                sent = attempt.send(new Target(address, forward, table.epoch(), deadlineNanos));
            } catch (RuntimeException e) {
                sent = CompletableFuture.completedFuture(Outcome.failed(WireErrors.of(shardId, e)));
            }
            sent.whenComplete((outcome, error) -> {
                Outcome<T> o = error != null ? Outcome.failed(WireErrors.of(shardId, error)) : outcome;
                if (o.failure() == null) {
                    result.complete(o.value());
                    return;
                }
                react(address, o.failure());
            });
        }

        private void react(String address, Failure f) {
            // An attempt cut short by the call's own deadline says less than the failure before it.
            boolean cutShort = f instanceof Failure.Unavailable u && u.message().startsWith("DEADLINE_EXCEEDED");
            if (!(cutShort && last != null)) {
                last = f;
            }
            if (!f.retryable()) {
                result.completeExceptionally(WireErrors.exception(shardId, f, false, what));
                return;
            }
            onRetry.run();
            if (f instanceof Failure.NotLeader n) {
                if (!n.leaderAddress().isEmpty() && !n.leaderAddress().equals(address) && quickHops++ < QUICK_HOPS) {
                    watcher.leaderHint(n.shardId(), n.leaderStoreId(), n.leaderAddress());
                    forward = false;
                    step();
                    return;
                }
                // No (new) leader named: an election is under way, or our view is stale.
                forward = true;
                avoid.add(address);
                watcher.refresh();
                later();
                return;
            }
            if (f instanceof Failure.StaleEpoch) {
                watcher.refresh().whenComplete((t, e) -> step());
                return;
            }
            avoid.add(address);
            forward = true;
            watcher.refresh();
            later();
        }

        private void later() {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            long delay = backoff.delayMillis(attempts, Math.max(0, remaining));
            try {
                timer.schedule(this::step, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new RingcacheException.Closed());
            }
        }

        private String pick(RouteTable table) {
            List<String> replicas = table.replicaAddresses(shardId);
            if (routing == Routing.LEADER && !forward) {
                return table.leaderAddress(shardId).orElse(replicas.isEmpty() ? null : replicas.get(0));
            }
            List<String> fresh = new ArrayList<>();
            for (String r : replicas) {
                if (!avoid.contains(r)) {
                    fresh.add(r);
                }
            }
            if (fresh.isEmpty()) {
                avoid.clear();
                fresh = replicas;
            }
            if (fresh.isEmpty()) {
                return null;
            }
            return fresh.get(ThreadLocalRandom.current().nextInt(fresh.size()));
        }
    }
}
