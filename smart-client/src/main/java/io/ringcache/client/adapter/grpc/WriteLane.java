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
 * Coalesces puts (single keys, and putAll parts) bound for one store into BatchPut calls, like
 * {@link ReadLane} does for reads. Each batch carries the client id and a fresh sequence number;
 * the store splits it by shard and applies each shard's part atomically, tagged with that
 * (client, sequence), so a re-sent batch is answered from the shard's session table instead of
 * applying twice.
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

    /** One caller's writes for one shard: they travel in one batch, so they stay one atomic part. */
    private record Pending(List<KeyValueWrite> writes, int bytes, long deadlineNanos,
                           CompletableFuture<List<PutResponse>> answer) {
    }

    private final String address;
    private final KvGrpc.KvFutureStub stub;
    private final long clientId;
    private final LongSupplier sequences;
    private final BatchResender resender;
    private final LaneQueue<Pending> queue = new LaneQueue<>(MAX_IN_FLIGHT, MAX_BATCH, MAX_BATCH_BYTES, Pending::bytes);

    WriteLane(String address, KvGrpc.KvFutureStub stub, long clientId, LongSupplier sequences, BatchResender resender) {
        this.address = address;
        this.stub = stub;
        this.clientId = clientId;
        this.sequences = sequences;
        this.resender = resender;
    }

    /**
     * Queues one caller's writes for one shard (a putAll's part). They are never split across
     * batches, and the store applies a batch's writes for one shard as one command, so the part
     * stays atomic even when it shares its batch, and its Raft entry, with other callers' writes.
     * The answer lists one result per write, in order.
     */
    CompletableFuture<List<PutResponse>> submitAll(List<KeyValueWrite> writes, long epoch, long deadlineNanos) {
        int bytes = 0;
        for (KeyValueWrite w : writes) {
            bytes += w.getSerializedSize();
        }
        Pending p = new Pending(writes, bytes, deadlineNanos, new CompletableFuture<>());
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
            request.addAllEntries(p.writes());
        }
        BatchPutRequest built = request.build();
        long d = deadline;
        resender.send(address, stub, built, d).whenComplete((r, error) -> {
            int at = 0;
            for (Pending p : batch) {
                int n = p.writes().size();
                if (error != null) {
                    p.answer().completeExceptionally(error);
                } else if (at + n <= r.getResultsCount()) {
                    p.answer().complete(r.getResultsList().subList(at, at + n));
                } else {
                    p.answer().completeExceptionally(new IllegalStateException("short BatchPut reply"));
                }
                at += n;
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
