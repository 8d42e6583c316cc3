package io.ringcache.node.adapter.netty;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.ringcache.node.core.KvRequests;
import io.ringcache.node.core.Routing;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The request path as a front door on Netty calls it: each call starts on a small pool of its own,
 * never on a transport thread (a Ratis proposal can wait for a division's lock, and a transport
 * thread waiting there would stall every connection it serves), any store serving any key within
 * {@code budgetMillis}. The request path keeps to its budget; a call still unanswered a second
 * later completes exceptionally with a {@link java.util.concurrent.TimeoutException}, the backstop.
 */
public final class OffLoopRequests implements AutoCloseable {

    /** Threads that start calls (each call is asynchronous; only its start may wait for a lock). */
    public static final int DEFAULT_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final KvRequests requests;
    private final ExecutorService pool;

    /** @param name the pool's threads are {@code <name>-N} */
    public OffLoopRequests(KvRequests requests, String name, int threads) {
        this.requests = requests;
        this.pool = Executors.newFixedThreadPool(threads, new DefaultThreadFactory(name, true));
    }

    public KvRequests requests() {
        return requests;
    }

    /** {@link KvRequests#submit}, forwarded as needed, off the transport thread. */
    public CompletableFuture<ShardOutcome> submit(byte[] key, ShardOp op, long budgetMillis) {
        return start(() -> requests.submit(key, op, Routing.anyStore(budgetMillis)), budgetMillis);
    }

    /** {@link KvRequests#submitToShard}, forwarded as needed, off the transport thread. */
    public CompletableFuture<ShardOutcome> submitToShard(int shardId, ShardOp op, long budgetMillis) {
        return start(() -> requests.submitToShard(shardId, op, Routing.anyStore(budgetMillis)), budgetMillis);
    }

    private CompletableFuture<ShardOutcome> start(Supplier<CompletableFuture<ShardOutcome>> call, long budgetMillis) {
        return CompletableFuture.supplyAsync(call, pool).thenCompose(f -> f)
                .orTimeout(budgetMillis + 1_000, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
