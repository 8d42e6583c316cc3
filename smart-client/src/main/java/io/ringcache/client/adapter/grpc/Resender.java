package io.ringcache.client.adapter.grpc;

import io.ringcache.client.core.Backoff;
import io.ringcache.client.core.Failure;
import io.ringcache.client.core.ResendPolicy;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Carries out {@link ResendPolicy}: re-sends an identical BatchPut (same client id and sequence)
 * while its outcome is ambiguous:
 * no reply within the attempt timeout, or a part the store could not serve or forward
 * (Unavailable). Re-sends go, with
 * {@code forward} set, to the first store again and then to other live stores, so any of them
 * proxies each shard's part to its leader; a part that did apply is answered from that shard's
 * session table, so nothing applies twice. Parts refused outright (NotLeader, StaleEpoch) on a
 * first attempt are not ambiguous and come back as they are, for the caller to route afresh. After
 * an ambiguous attempt they are ambiguous too (the earlier attempt may have applied on a leader
 * that has since moved), so the identical request keeps going, with the newest map epoch, until
 * some store answers every part or the deadline passes: re-routing it under a new sequence could
 * apply it twice.
 */
final class Resender implements WriteLane.BatchResender {

    private final PlacementWatcher watcher;
    private final Function<String, KvGrpc.KvFutureStub> stubs;
    private final ScheduledExecutorService timer;
    private final Runnable onRetry;
    private final Backoff backoff = new Backoff(20, 1_000, () -> ThreadLocalRandom.current().nextDouble());
    private final long attemptNanos;

    /** @param attemptNanos the most one BatchPut RPC may take before the identical request goes elsewhere */
    Resender(PlacementWatcher watcher, Function<String, KvGrpc.KvFutureStub> stubs, ScheduledExecutorService timer,
             Runnable onRetry, long attemptNanos) {
        this.attemptNanos = attemptNanos;
        this.watcher = watcher;
        this.stubs = stubs;
        this.timer = timer;
        this.onRetry = onRetry;
    }

    @Override
    public CompletableFuture<BatchPutResponse> send(String address, KvGrpc.KvFutureStub stub, BatchPutRequest request,
                                                     long deadlineNanos) {
        CompletableFuture<BatchPutResponse> out = new CompletableFuture<>();
        attempt(address, stub, request, deadlineNanos, 1, null, null, out);
        return out;
    }

    private void attempt(String address, KvGrpc.KvFutureStub stub, BatchPutRequest request, long deadlineNanos,
                         int n, BatchPutResponse lastReply, Throwable lastError, CompletableFuture<BatchPutResponse> out) {
        if (System.nanoTime() >= deadlineNanos) {
            if (lastReply != null) {
                out.complete(lastReply);
            } else {
                out.completeExceptionally(lastError != null ? lastError : new IllegalStateException("deadline passed"));
            }
            return;
        }
        long attemptDeadline = Math.min(deadlineNanos, System.nanoTime() + ShardCalls.attemptTimeoutNanos(attemptNanos, n));
        WriteLane.call(stub, request, attemptDeadline).whenComplete((reply, error) -> {
            if (error == null && !ambiguous(reply, n > 1)) {
                out.complete(reply);
                return;
            }
            if (error != null && WireErrors.definitive(error)) {
                // Refused before anything was done (not signed in, bad input): sending it again cannot help.
                out.completeExceptionally(error);
                return;
            }
            onRetry.run();
            watcher.refresh();
            // A store that let the RPC time out is not asked again at once: it may be cut off.
            boolean unresponsive = error != null && WireErrors.timedOut(error);
            String next = ResendPolicy.nextStore(watcher.table(), address, unresponsive ? n + 1 : n);
            // Same client id and sequence (the shards' dedup key), forwarded, at the newest epoch
            // this client knows so no hop refuses it as stale.
            long epoch = Math.max(request.getHeader().getEpoch(), watcher.table().epoch());
            BatchPutRequest forwarded = request.toBuilder()
                    .setHeader(request.getHeader().toBuilder().setForward(true).setEpoch(epoch)).build();
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            try {
                timer.schedule(() -> attempt(next, stubs.apply(next), forwarded, deadlineNanos, n + 1, reply != null ? reply : lastReply,
                        error != null ? error : lastError, out), backoff.delayMillis(n, Math.max(0, remaining)), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                out.completeExceptionally(e);
            }
        });
    }

    /** Whether the reply leaves some part's outcome unknown ({@link ResendPolicy#ambiguous}). */
    static boolean ambiguous(BatchPutResponse reply, boolean afterAmbiguousAttempt) {
        List<Failure> parts = new ArrayList<>(reply.getResultsCount());
        for (PutResponse r : reply.getResultsList()) {
            // Only these kinds bear on ambiguity; any other error (a refusal, a shard not found)
            // is an answer about this attempt, like a success.
            boolean counts = r.hasError() && (r.getError().hasUnavailable() || r.getError().hasNotLeader()
                    || r.getError().hasStaleEpoch() || r.getError().hasKeyMoved());
            parts.add(counts ? WireErrors.of(-1, r.getError()) : null);
        }
        return ResendPolicy.ambiguous(parts, afterAmbiguousAttempt);
    }
}
