package io.ringcache.node.adapter.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.ringcache.proto.v1.KvGrpc;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the store's gRPC handlers run. The server is built with a direct executor, so by default
 * a call runs on the transport (Netty event loop) thread that read it; this supplier keeps that
 * for the Kv service and moves every other service (store admin, the embedded placement driver)
 * to a pool of its own.
 *
 * <p>Why: on a small machine each thread hand-off costs more than the work it carries (a wake-up
 * across cores, bench/RESULTS.md "One thread hand-off less per request"); a Kv call hopping from
 * the event loop to gRPC's default executor was one of about a dozen per write. The Kv handlers
 * may run there because they never block: reads are served from the off-heap map or queued
 * behind Raft asynchronously, writes are proposed asynchronously, and forwards use future stubs.
 * Admin and placement handlers do block (Ratis membership changes, placement's own Raft), so they
 * must not hold an event loop.
 */
public final class CallExecutors implements ServerCallExecutorSupplier, AutoCloseable {

    private final ExecutorService blocking;

    public CallExecutors() {
        AtomicInteger n = new AtomicInteger();
        this.blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ringcache-grpc-blocking-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
        return KvGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName()) ? null : blocking;
    }

    @Override
    public void close() {
        blocking.shutdownNow();
    }
}
