package io.ringcache.client.adapter.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
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
 * Coalesces single-key reads bound for one store with one header shape (consistency, forward)
 * into BatchGet calls. While fewer than {@link #MAX_IN_FLIGHT} calls are outstanding a read goes
 * out at once (no added latency at low load); beyond that reads queue and leave together when a
 * call returns, so per-read overhead falls as load rises. Each queued read keeps its own deadline;
 * a batch uses the latest of them and answers each read with its own result.
 */
final class ReadLane {

    static final int MAX_IN_FLIGHT = 4;
    static final int MAX_BATCH = 256;

    private record Pending(GetRequest request, long deadlineNanos, CompletableFuture<GetResponse> answer) {
    }

    private final KvGrpc.KvFutureStub stub;
    private final RequestHeader headerShape;
    private final LaneQueue<Pending> queue = new LaneQueue<>(MAX_IN_FLIGHT, MAX_BATCH);

    ReadLane(KvGrpc.KvFutureStub stub, RequestHeader headerShape) {
        this.stub = stub;
        this.headerShape = headerShape;
    }

    CompletableFuture<GetResponse> submit(GetRequest request, long deadlineNanos) {
        Pending p = new Pending(request, deadlineNanos, new CompletableFuture<>());
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
            epoch = Math.max(epoch, p.request().getHeader().getEpoch());
        }
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        KvGrpc.KvFutureStub s = stub.withDeadlineAfter(millis, TimeUnit.MILLISECONDS);
        if (batch.size() == 1) {
            Futures.addCallback(s.get(batch.get(0).request()), new FutureCallback<>() {
                @Override
                public void onSuccess(GetResponse r) {
                    batch.get(0).answer().complete(r);
                    done();
                }

                @Override
                public void onFailure(Throwable t) {
                    batch.get(0).answer().completeExceptionally(t);
                    done();
                }
            }, MoreExecutors.directExecutor());
            return;
        }
        BatchGetRequest.Builder request = BatchGetRequest.newBuilder()
                .setHeader(headerShape.toBuilder().setEpoch(epoch));
        for (Pending p : batch) {
            request.addKeys(p.request().getKey());
        }
        Futures.addCallback(s.batchGet(request.build()), new FutureCallback<>() {
            @Override
            public void onSuccess(BatchGetResponse r) {
                for (int i = 0; i < batch.size(); i++) {
                    if (i < r.getResultsCount()) {
                        batch.get(i).answer().complete(r.getResults(i));
                    } else {
                        batch.get(i).answer().completeExceptionally(new IllegalStateException("short BatchGet reply"));
                    }
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
