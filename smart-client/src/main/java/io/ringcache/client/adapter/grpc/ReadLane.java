package io.ringcache.client.adapter.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.RequestHeader;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Coalesces reads (single keys, and getAll parts) bound for one store with one header shape
 * (consistency, forward) into BatchGet calls. While fewer than {@link #MAX_IN_FLIGHT} calls are
 * outstanding a read goes out at once (no added latency at low load); beyond that reads queue and
 * leave together when a call returns, so per-read overhead falls as load rises. Each queued read
 * keeps its own deadline; a batch uses the latest of them and answers each read with its own
 * results. A getAll part is never split across batches.
 */
final class ReadLane {

    static final int MAX_IN_FLIGHT = 4;
    static final int MAX_BATCH = 256;
    /** Keys per BatchGet; a larger getAll part still leaves, alone. */
    static final int MAX_BATCH_KEYS = 256;

    private record Pending(List<ByteString> keys, long epoch, long deadlineNanos,
                           CompletableFuture<List<GetResponse>> answer) {
    }

    private final KvGrpc.KvFutureStub stub;
    private final RequestHeader headerShape;
    private final LaneQueue<Pending> queue = new LaneQueue<>(MAX_IN_FLIGHT, MAX_BATCH, MAX_BATCH_KEYS,
            p -> p.keys().size());

    ReadLane(KvGrpc.KvFutureStub stub, RequestHeader headerShape) {
        this.stub = stub;
        this.headerShape = headerShape;
    }

    /** Queues the keys of one read; the answer lists one result per key, in order. */
    CompletableFuture<List<GetResponse>> submitAll(List<ByteString> keys, long epoch, long deadlineNanos) {
        Pending p = new Pending(keys, epoch, deadlineNanos, new CompletableFuture<>());
        List<Pending> batch = queue.offer(p);
        send(batch);
        return p.answer();
    }

    private void send(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long deadline = 0;
        long epoch = 0;
        for (Pending p : batch) {
            deadline = Math.max(deadline, p.deadlineNanos());
            epoch = Math.max(epoch, p.epoch());
        }
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        KvGrpc.KvFutureStub s = stub.withDeadlineAfter(millis, TimeUnit.MILLISECONDS);
        RequestHeader header = headerShape.toBuilder().setEpoch(epoch).build();
        if (batch.size() == 1 && batch.get(0).keys().size() == 1) {
            Pending only = batch.get(0);
            Futures.addCallback(s.get(GetRequest.newBuilder().setHeader(header).setKey(only.keys().get(0)).build()),
                    new FutureCallback<>() {
                        @Override
                        public void onSuccess(GetResponse r) {
                            only.answer().complete(List.of(r));
                            done();
                        }

                        @Override
                        public void onFailure(Throwable t) {
                            only.answer().completeExceptionally(t);
                            done();
                        }
                    }, MoreExecutors.directExecutor());
            return;
        }
        BatchGetRequest.Builder request = BatchGetRequest.newBuilder().setHeader(header);
        for (Pending p : batch) {
            request.addAllKeys(p.keys());
        }
        Futures.addCallback(s.batchGet(request.build()), new FutureCallback<>() {
            @Override
            public void onSuccess(BatchGetResponse r) {
                int at = 0;
                for (Pending p : batch) {
                    int n = p.keys().size();
                    if (at + n <= r.getResultsCount()) {
                        p.answer().complete(r.getResultsList().subList(at, at + n));
                    } else {
                        p.answer().completeExceptionally(new IllegalStateException("short BatchGet reply"));
                    }
                    at += n;
                }
                done();
            }

            @Override
            public void onFailure(Throwable t) {
                batch.forEach(p -> p.answer().completeExceptionally(t));
                done();
            }
        }, MoreExecutors.directExecutor());
    }

    private void done() {
        send(queue.done());
    }
}
