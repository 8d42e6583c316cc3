package io.ringcache.node.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.ringcache.node.core.Consistency;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.ResponseHeader;
import io.ringcache.proto.v1.VersionedValue;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forwarded single-key reads and puts travel coalesced: against a real gRPC server whose replies
 * the test releases by hand, so what shares a call is certain.
 */
class ForwardLanesIT {


    private final LinkedBlockingQueue<HeldCall> held = new LinkedBlockingQueue<>();
    private Server server;
    private StoreChannels channels;
    private GrpcShardForwarder forwarder;
    private String address;

    @BeforeEach
    void start() throws Exception {
        server = holding(held);
        address = "127.0.0.1:" + server.getPort();
        channels = new StoreChannels();
        forwarder = new GrpcShardForwarder(channels);
    }

    /** A fake store that holds every BatchGet and BatchPut it receives in {@code into}, unanswered. */
    private static Server holding(LinkedBlockingQueue<HeldCall> into) throws java.io.IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new KvGrpc.KvImplBase() {
            @Override
            public void batchGet(BatchGetRequest request, StreamObserver<BatchGetResponse> reply) {
                into.add(new HeldCall(request, HeldCall.untyped(reply)));
            }

            @Override
            public void batchPut(BatchPutRequest request, StreamObserver<BatchPutResponse> reply) {
                into.add(new HeldCall(request, HeldCall.untyped(reply)));
            }
        }).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        channels.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void readsArrivingWhileACallIsInFlightShareTheNextCallAndEachGetsItsOwnAnswer() throws Exception {
        CompletableFuture<ShardOutcome> first = get("a");
        HeldCall call1 = next();
        assertEquals(List.of("a"), keys((BatchGetRequest) call1.request()));
        assertFalse(((BatchGetRequest) call1.request()).getHeader().getForward(), "the target serves it itself");

        List<CompletableFuture<ShardOutcome>> waiting = new ArrayList<>();
        for (String k : List.of("b", "c", "d")) {
            waiting.add(get(k));
        }
        assertEquals(0, held.size(), "nothing more leaves while the lane's call is in flight");

        answerGets(call1, "A");
        assertArrayEquals(b("A"), value(first.get(5, TimeUnit.SECONDS)));
        HeldCall call2 = next();
        assertEquals(List.of("b", "c", "d"), keys((BatchGetRequest) call2.request()));

        // Each result carries its part's header; one key failed on its own.
        BatchGetResponse.Builder r = BatchGetResponse.newBuilder();
        r.addResults(found("B", 41));
        r.addResults(GetResponse.newBuilder().setError(KvErrors.toProto(KvFailure.NotLeader.refused(7, "s2", ""))));
        r.addResults(found("D", 41));
        call2.reply().onNext(r.build());
        call2.reply().onCompleted();
        ShardOutcome.Answered b = assertInstanceOf(ShardOutcome.Answered.class, waiting.get(0).get(5, TimeUnit.SECONDS));
        assertEquals(41, b.appliedIndex());
        assertEquals(7, b.shardId());
        ShardOutcome.Failed c = assertInstanceOf(ShardOutcome.Failed.class, waiting.get(1).get(5, TimeUnit.SECONDS));
        assertInstanceOf(KvFailure.NotLeader.class, c.failure());
        assertArrayEquals(b("D"), value(waiting.get(2).get(5, TimeUnit.SECONDS)));
    }

    @Test
    void putsShareABatchPutAndEachGetsItsOwnVersion() throws Exception {
        CompletableFuture<ShardOutcome> first = put("a", "1");
        HeldCall call1 = next();
        CompletableFuture<ShardOutcome> second = put("b", "2");
        CompletableFuture<ShardOutcome> third = put("c", "3");
        call1.reply().onNext(BatchPutResponse.newBuilder().addResults(written(10)).build());
        call1.reply().onCompleted();
        assertEquals(10, version(first.get(5, TimeUnit.SECONDS)));

        HeldCall call2 = next();
        BatchPutRequest batch = (BatchPutRequest) call2.request();
        assertEquals(2, batch.getEntriesCount());
        assertEquals("b", batch.getEntries(0).getKey().toStringUtf8());
        assertEquals("3", batch.getEntries(1).getValue().toStringUtf8());
        assertTrue(batch.getHeader().getClientId() != 0, "a batch of plain puts carries the lane's tag");
        assertEquals(((BatchPutRequest) call1.request()).getHeader().getClientId(), batch.getHeader().getClientId());
        assertEquals(((BatchPutRequest) call1.request()).getHeader().getSequence() + 1, batch.getHeader().getSequence(),
                "each batch of a lane takes the next sequence");
        // As a store answers a one-shard batch: the header on the batch, none on the results.
        call2.reply().onNext(BatchPutResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setShardId(7).setAppliedIndex(99))
                .addResults(PutResponse.newBuilder().setVersion(11)).addResults(PutResponse.newBuilder().setVersion(12)).build());
        call2.reply().onCompleted();
        ShardOutcome.Applied applied = assertInstanceOf(ShardOutcome.Applied.class, second.get(5, TimeUnit.SECONDS));
        assertEquals(11, version(applied));
        assertEquals(99, applied.appliedIndex(), "each put learns the applied index its batch was served at");
        assertEquals(12, version(third.get(5, TimeUnit.SECONDS)));
    }

    @Test
    void aFailedCallFailsEveryRequestInItAsPossiblyAppliedAndTheLaneGoesOn() throws Exception {
        put("a", "1");
        HeldCall call1 = next();
        CompletableFuture<ShardOutcome> second = put("b", "2");
        CompletableFuture<ShardOutcome> third = put("c", "3");
        call1.reply().onError(Status.INTERNAL.withDescription("boom").asException());
        HeldCall call2 = next();
        call2.reply().onError(Status.UNAVAILABLE.withDescription("gone").asException());
        for (CompletableFuture<ShardOutcome> f : List.of(second, third)) {
            ShardOutcome.Failed failed = assertInstanceOf(ShardOutcome.Failed.class, f.get(5, TimeUnit.SECONDS));
            KvFailure.Unavailable u = assertInstanceOf(KvFailure.Unavailable.class, failed.failure());
            assertFalse(u.notApplied(), "a put whose call failed may have applied");
        }
        CompletableFuture<ShardOutcome> fourth = put("d", "4");
        HeldCall call3 = next();
        call3.reply().onNext(BatchPutResponse.newBuilder().addResults(written(5)).build());
        call3.reply().onCompleted();
        assertEquals(5, version(fourth.get(5, TimeUnit.SECONDS)));
    }

    @Test
    void aBatchThatMayHaveAppliedIsSentAgainWithItsTagToTheLeaderTheStoreKnowsNow() throws Exception {
        LinkedBlockingQueue<HeldCall> heldAtLeader = new LinkedBlockingQueue<>();
        Server leader = holding(heldAtLeader);
        try {
            GrpcShardForwarder following = new GrpcShardForwarder(channels,
                    shard -> Optional.of(new GrpcShardForwarder.Target("s3", "127.0.0.1:" + leader.getPort())));
            CompletableFuture<ShardOutcome> put = put(following, "v");
            HeldCall first = next();
            // The old leader took the call and went silent (a partition): the attempt times out.
            HeldCall again = HeldCall.take(heldAtLeader);
            assertEquals(first.request(), again.request(), "the same batch, with the same client id and sequence");
            assertFalse(put.isDone());
            again.answer(BatchPutResponse.newBuilder().addResults(written(3)).build());
            assertEquals(3, version(put.get(5, TimeUnit.SECONDS)));

            // The new leader refuses (it lost the lead) after a maybe-applied attempt: sent again, same tag.
            CompletableFuture<ShardOutcome> second = put(following, "w");
            HeldCall atOld = next();
            atOld.reply().onError(Status.UNAVAILABLE.withDescription("connection reset").asException());
            HeldCall.take(heldAtLeader).answer(refusal(KvFailure.NotLeader.refused(7, "s2", "")));
            HeldCall acceptedAt = HeldCall.take(heldAtLeader);
            assertEquals(atOld.request(), acceptedAt.request());
            acceptedAt.answer(BatchPutResponse.newBuilder().addResults(written(4)).build());
            assertEquals(4, version(second.get(5, TimeUnit.SECONDS)));

            // A first attempt the store answers "may have applied" (its leader lost its term with the
            // entry appended) goes again, same tag, to the leader known now.
            CompletableFuture<ShardOutcome> third = put(following, "x");
            HeldCall deposed = next();
            deposed.answer(refusal(new KvFailure.NotLeader(7, "", "", true)));
            HeldCall retried = HeldCall.take(heldAtLeader);
            assertEquals(deposed.request(), retried.request());
            retried.answer(BatchPutResponse.newBuilder().addResults(written(5)).build());
            assertEquals(5, version(third.get(5, TimeUnit.SECONDS)));
        } finally {
            leader.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUnreachableStoreFailsAtConnectAsNotApplied() throws Exception {
        int port = server.getPort();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        ShardOutcome outcome = forwarder.forward("s2", "127.0.0.1:" + port, 7,
                new ShardOp.Write(new Command.Put(b("k"), b("v"), 0), 16), 0, 5_000).get(10, TimeUnit.SECONDS);
        KvFailure.Unavailable u = assertInstanceOf(KvFailure.Unavailable.class, ((ShardOutcome.Failed) outcome).failure());
        assertTrue(u.notApplied(), u.toString());
    }

    private CompletableFuture<ShardOutcome> get(String key) {
        return forwarder.forward("s2", address, 7, new ShardOp.Read(new Query.Get(b(key)), Consistency.LINEARIZABLE), 0, 10_000);
    }

    private CompletableFuture<ShardOutcome> put(String key, String value) {
        return forwarder.forward("s2", address, 7, new ShardOp.Write(new Command.Put(b(key), b(value), 0), 16), 0, 10_000);
    }

    private CompletableFuture<ShardOutcome> put(GrpcShardForwarder through, String value) {
        return through.forward("s2", address, 7, new ShardOp.Write(new Command.Put(b("k"), b(value), 0), 16), 0, 20_000);
    }

    private static BatchPutResponse refusal(KvFailure failure) {
        return BatchPutResponse.newBuilder().addResults(PutResponse.newBuilder().setError(KvErrors.toProto(failure))).build();
    }

    private HeldCall next() throws InterruptedException {
        return HeldCall.take(held);
    }

    private static void answerGets(HeldCall call, String... values) {
        BatchGetResponse.Builder r = BatchGetResponse.newBuilder();
        for (String v : values) {
            r.addResults(found(v, 1));
        }
        call.reply().onNext(r.build());
        call.reply().onCompleted();
    }

    private static GetResponse found(String value, long applied) {
        return GetResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setShardId(7).setAppliedIndex(applied))
                .setFound(true).setValue(VersionedValue.newBuilder().setValue(ByteString.copyFromUtf8(value)).setVersion(1))
                .build();
    }

    private static PutResponse written(long version) {
        return PutResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setShardId(7)).setVersion(version).build();
    }

    private static byte[] value(ShardOutcome o) {
        return ((ResultCodec.Answer.Value) ((ShardOutcome.Answered) o).answer()).value().value();
    }

    private static long version(ShardOutcome o) {
        return ((CommandResult.Written) ((ShardOutcome.Applied) o).result()).version();
    }

    private static List<String> keys(BatchGetRequest r) {
        return r.getKeysList().stream().map(ByteString::toStringUtf8).toList();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
