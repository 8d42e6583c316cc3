package io.ringcache.client.adapter.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.KeyValueWrite;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.RequestHeader;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Coalesces single-key puts bound for one store into BatchPut calls, like {@link ReadLane} does
 * for reads. Each batch carries the client id and a fresh sequence number; the store splits it by
 * shard and applies each shard's part atomically, tagged with that (client, sequence), so a
 * re-sent batch is answered from the shard's session table instead of applying twice.
 *
 * <p>Exactly-once across an ambiguous failure (no reply, or a part the store could not forward)
 * needs the <em>same</em> batch re-sent with the same sequence; {@link BatchResender} does that.
 * Parts refused outright (NotLeader, StaleEpoch: nothing applied) come back to each caller's
 * retry loop, which routes them afresh in a new batch.
 */
final class WriteLane {

    /**
     * One BatchPut in flight per store: everything that arrives meanwhile leaves in the next one.
     * Each Raft entry costs far more than each write in it (bench/RESULTS.md, "one write call in
     * flight per store"): with one call in flight, 256 writers filled entries with about 19 writes
     * instead of 12 and the stores spent about a quarter less CPU per write.
     */
    static final int MAX_IN_FLIGHT = 1;
    static final int MAX_BATCH = 1024;
    /**
     * Keeps a coalesced batch's part for one shard well inside one Raft entry (the store refuses a
     * shard part larger than its entry limit, about the largest value); a larger single put still
     * goes, alone.
     */
    static final long MAX_BATCH_BYTES = 512 * 1024;

    private record Pending(KeyValueWrite write, long deadlineNanos, CompletableFuture<PutResponse> answer) {
    }

    private final String address;
    private final KvGrpc.KvFutureStub stub;
    private final long clientId;
    private final LongSupplier sequences;
    private final BatchResender resender;
    private final LaneQueue<Pending> queue = new LaneQueue<>(MAX_IN_FLIGHT, MAX_BATCH, MAX_BATCH_BYTES,
            p -> p.write().getSerializedSize());

    WriteLane(String address, KvGrpc.KvFutureStub stub, long clientId, LongSupplier sequences, BatchResender resender) {
        this.address = address;
        this.stub = stub;
        this.clientId = clientId;
        this.sequences = sequences;
        this.resender = resender;
    }

    CompletableFuture<PutResponse> submit(KeyValueWrite write, long epoch, long deadlineNanos) {
        Pending p = new Pending(write, deadlineNanos, new CompletableFuture<>());
        List<Pending> batch = queue.offer(p);
        send(batch, epoch);
        return p.answer();
    }

    private void send(List<Pending> batch, long epoch) {
        if (batch.isEmpty()) {
            return;
        }
        long deadline = 0;
        BatchPutRequest.Builder request = BatchPutRequest.newBuilder().setHeader(RequestHeader.newBuilder()
                .setEpoch(epoch).setClientId(clientId).setSequence(sequences.getAsLong()));
        for (Pending p : batch) {
            deadline = Math.max(deadline, p.deadlineNanos());
            request.addEntries(p.write());
        }
        BatchPutRequest built = request.build();
        long d = deadline;
        resender.send(address, stub, built, d).whenComplete((r, error) -> {
            for (int i = 0; i < batch.size(); i++) {
                if (error != null) {
                    batch.get(i).answer().completeExceptionally(error);
                } else if (i < r.getResultsCount()) {
                    batch.get(i).answer().complete(r.getResults(i));
                } else {
                    batch.get(i).answer().completeExceptionally(new IllegalStateException("short BatchPut reply"));
                }
            }
            send(queue.done(), epoch);
        });
    }

    /** Sends one BatchPut, re-sending the identical request while its outcome is ambiguous. */
    interface BatchResender {
        CompletableFuture<BatchPutResponse> send(String address, KvGrpc.KvFutureStub stub, BatchPutRequest request,
                                                  long deadlineNanos);
    }

    /** The single call, for resenders. */
    static CompletableFuture<BatchPutResponse> call(KvGrpc.KvFutureStub stub, BatchPutRequest request, long deadlineNanos) {
        CompletableFuture<BatchPutResponse> out = new CompletableFuture<>();
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        Futures.addCallback(stub.withDeadlineAfter(millis, TimeUnit.MILLISECONDS).batchPut(request), new FutureCallback<>() {
            @Override
            public void onSuccess(BatchPutResponse r) {
                out.complete(r);
            }

            @Override
            public void onFailure(Throwable t) {
                out.completeExceptionally(t);
            }
        }, MoreExecutors.directExecutor());
        return out;
    }
}
