package io.ringcache.node.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.proto.v1.CompareAndSetRequest;
import io.ringcache.proto.v1.CompareAndSetResponse;
import io.ringcache.proto.v1.DeleteRequest;
import io.ringcache.proto.v1.DeleteResponse;
import io.ringcache.proto.v1.ExecuteRequest;
import io.ringcache.proto.v1.ExecuteResponse;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.RequestHeader;
import io.ringcache.proto.v1.ResponseHeader;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.CommandResult;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forwarded deletes, compare-and-sets and Redis commands of callers that do not tag their own
 * (HTTP, RESP) carry one of the forwarding store's sessions, and after a failure that may have
 * applied go again, with the same tag, to the leader the store knows then: against real gRPC
 * servers whose replies the test releases by hand.
 */
class ForwardSessionsIT {


    private final LinkedBlockingQueue<HeldCall> atOld = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<HeldCall> atLeader = new LinkedBlockingQueue<>();
    private Server old;
    private Server leader;
    private StoreChannels channels;
    private GrpcShardForwarder forwarder;

    @BeforeEach
    void start() throws Exception {
        old = holding(atOld);
        leader = holding(atLeader);
        channels = new StoreChannels();
        forwarder = new GrpcShardForwarder(channels,
                shard -> Optional.of(new GrpcShardForwarder.Target("s3", "127.0.0.1:" + leader.getPort())));
    }

    @AfterEach
    void stop() throws Exception {
        channels.close();
        old.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        leader.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A fake store that holds every Delete, CompareAndSet and Execute it receives, unanswered. */
    private static Server holding(LinkedBlockingQueue<HeldCall> into) throws java.io.IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new KvGrpc.KvImplBase() {
            @Override
            public void delete(DeleteRequest request, StreamObserver<DeleteResponse> reply) {
                into.add(new HeldCall(request, HeldCall.untyped(reply)));
            }

            @Override
            public void compareAndSet(CompareAndSetRequest request, StreamObserver<CompareAndSetResponse> reply) {
                into.add(new HeldCall(request, HeldCall.untyped(reply)));
            }

            @Override
            public void execute(ExecuteRequest request, StreamObserver<ExecuteResponse> reply) {
                into.add(new HeldCall(request, HeldCall.untyped(reply)));
            }
        }).build().start();
    }

    @Test
    void aDeleteThatMayHaveAppliedGoesAgainWithItsTagToTheLeaderKnownNow() throws Exception {
        CompletableFuture<ShardOutcome> delete = write(new Command.Delete(b("k")));
        HeldCall first = HeldCall.take(atOld);
        RequestHeader tag = ((DeleteRequest) first.request()).getHeader();
        assertTrue(tag.getClientId() != 0, "a forwarded delete carries one of the store's sessions");
        // The old leader took the call and went silent (a partition): the attempt times out.
        HeldCall again = HeldCall.take(atLeader);
        assertEquals(first.request(), again.request(), "the same delete, with the same client id and sequence");
        again.answer(DeleteResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setShardId(7)).setDeleted(true).build());
        CommandResult.Deleted deleted = assertInstanceOf(CommandResult.Deleted.class,
                ((ShardOutcome.Applied) delete.get(5, TimeUnit.SECONDS)).result());
        assertTrue(deleted.deleted());
    }

    @Test
    void aCompareAndSetRefusedAsMaybeAppliedGoesAgainAndAnswersWithTheShardsResult() throws Exception {
        CompletableFuture<ShardOutcome> cas = write(new Command.CompareAndSet(b("k"), new Command.Expectation.Version(3), b("v"), 0));
        HeldCall deposed = HeldCall.take(atOld);
        // The store's leader lost its term with the entry appended: it may have applied.
        deposed.answer(CompareAndSetResponse.newBuilder()
                .setError(KvErrors.toProto(new KvFailure.NotLeader(7, "", "", true))).build());
        HeldCall retried = HeldCall.take(atLeader);
        assertEquals(deposed.request(), retried.request());
        // The shard remembered the first attempt's result under the tag and answers it again.
        retried.answer(CompareAndSetResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setShardId(7))
                .setSucceeded(true).setVersion(4).build());
        CommandResult.CasOutcome outcome = assertInstanceOf(CommandResult.CasOutcome.class,
                ((ShardOutcome.Applied) cas.get(5, TimeUnit.SECONDS)).result());
        assertTrue(outcome.succeeded());
    }

    @Test
    void aResendRefusedAsNotAppliedAfterAnAttemptThatMayHaveAppliedIsAnsweredUnknown() throws Exception {
        CompletableFuture<ShardOutcome> delete = forwarder.forward("s2", "127.0.0.1:" + old.getPort(), 7,
                new ShardOp.Write(new Command.Delete(b("k")), 16), 0, 1_500);
        HeldCall.take(atOld); // never answered: the attempt times out, so the delete may have applied
        // Every later attempt is refused before it was proposed, until the budget is spent.
        while (!delete.isDone()) {
            HeldCall refusedAt = atLeader.poll(100, TimeUnit.MILLISECONDS);
            if (refusedAt != null) {
                refusedAt.answer(DeleteResponse.newBuilder()
                        .setError(KvErrors.toProto(KvFailure.NotLeader.refused(7, "", ""))).build());
            }
        }
        ShardOutcome.Failed failed = assertInstanceOf(ShardOutcome.Failed.class, delete.get(5, TimeUnit.SECONDS));
        KvFailure.Unavailable unknown = assertInstanceOf(KvFailure.Unavailable.class, failed.failure());
        assertFalse(unknown.notApplied(), "the first attempt may have applied: the caller must not send it again");
    }

    @Test
    void aLeaderLookupThatFailsAnswersTheWriteUnknownAndGivesItsSessionBack() throws Exception {
        GrpcShardForwarder broken = new GrpcShardForwarder(channels, shard -> {
            throw new IllegalStateException("no map");
        });
        CompletableFuture<ShardOutcome> delete = broken.forward("s2", "127.0.0.1:" + old.getPort(), 7,
                new ShardOp.Write(new Command.Delete(b("k")), 16), 0, 10_000);
        HeldCall.take(atOld); // times out: the resend asks the lookup, which throws
        ShardOutcome.Failed failed = assertInstanceOf(ShardOutcome.Failed.class, delete.get(5, TimeUnit.SECONDS));
        assertFalse(((KvFailure.Unavailable) failed.failure()).notApplied(), failed.toString());
        for (int i = 0; i < ForwardSessions.PER_SHARD; i++) {
            broken.forward("s2", "127.0.0.1:" + old.getPort(), 7, new ShardOp.Write(new Command.Delete(b("k" + i)), 16), 0, 10_000);
            assertTrue(((DeleteRequest) HeldCall.take(atOld).request()).getHeader().getClientId() != 0,
                    "every session is free again, the failed write's included");
        }
    }

    @Test
    void aRejectedForwardIsFinalAndNotSentAgain() throws Exception {
        CompletableFuture<ShardOutcome> delete = write(new Command.Delete(b("k")));
        HeldCall.take(atOld).reply().onError(Status.PERMISSION_DENIED.withDescription("no").asException());
        ShardOutcome.Failed failed = assertInstanceOf(ShardOutcome.Failed.class, delete.get(5, TimeUnit.SECONDS));
        assertTrue(((KvFailure.Unavailable) failed.failure()).notApplied(), failed.toString());
        assertNull(atLeader.poll(300, TimeUnit.MILLISECONDS), "a rejection is not sent to another leader");
    }

    @Test
    void aRedisCommandCarriesItsTagInsideTheEntryAndGoesAgainUnchanged() throws Exception {
        CompletableFuture<ShardOutcome> incr = write(new Command.Increment(b("n"), 1));
        HeldCall first = HeldCall.take(atOld);
        ExecuteRequest request = (ExecuteRequest) first.request();
        assertEquals(0, request.getHeader().getClientId(), "an execute request takes no tag from its header");
        Command sent = CommandCodec.decodeEntry(request.getEntry().toByteArray()).commands().get(0);
        Command.Tagged tagged = assertInstanceOf(Command.Tagged.class, sent);
        assertInstanceOf(Command.Increment.class, tagged.command());
        first.reply().onError(Status.UNAVAILABLE.withDescription("connection reset").asException());
        HeldCall again = HeldCall.take(atLeader);
        assertEquals(first.request(), again.request());
        again.reply().onError(Status.INTERNAL.withDescription("boom").asException());
        // Still possibly applied, and the leader is the same: it goes there again.
        HeldCall third = HeldCall.take(atLeader);
        assertEquals(first.request(), third.request());
        third.answer(KvProtos.execute(new ShardOutcome.Applied(7, 12, 1, new CommandResult.Counter(5))));
        CommandResult.Counter counter = assertInstanceOf(CommandResult.Counter.class,
                ((ShardOutcome.Applied) incr.get(5, TimeUnit.SECONDS)).result());
        assertEquals(5, counter.value());
    }

    @Test
    void concurrentWritesAreEachTaggedWithTheirOwnSequence() throws Exception {
        Set<String> tags = new HashSet<>();
        for (int i = 0; i < 3 * ForwardSessions.PER_SHARD; i++) {
            write(new Command.Delete(b("k" + i)));
            RequestHeader h = ((DeleteRequest) HeldCall.take(atOld).request()).getHeader();
            assertNotEquals(0, h.getClientId(), "never untagged");
            assertTrue(tags.add(h.getClientId() + "/" + h.getSequence()), "a (client, sequence) is used once");
        }
    }

    @Test
    void withEveryWindowFullAWriteIsRefusedAsNotAppliedAndNeverSentUntagged() throws Exception {
        ForwardSessions full = new ForwardSessions();
        while (full.take(7) != null) {
            // hold every sequence the windows allow
        }
        GrpcShardForwarder busy = new GrpcShardForwarder(channels, shard -> Optional.of(
                new GrpcShardForwarder.Target("s3", "127.0.0.1:" + leader.getPort())), full);
        ShardOutcome outcome = busy.forward("s2", "127.0.0.1:" + old.getPort(), 7,
                new ShardOp.Write(new Command.Delete(b("k")), 16), 0, 10_000).get(5, TimeUnit.SECONDS);
        KvFailure.Unavailable refused = assertInstanceOf(KvFailure.Unavailable.class,
                assertInstanceOf(ShardOutcome.Failed.class, outcome).failure());
        assertTrue(refused.notApplied(), "the request path sends it again after a pause");
        assertNull(atOld.poll(300, TimeUnit.MILLISECONDS), "nothing was sent");
    }

    @Test
    void withoutALeaderLookupForwardedWritesStayUntagged() throws Exception {
        GrpcShardForwarder plain = new GrpcShardForwarder(channels);
        plain.forward("s2", "127.0.0.1:" + old.getPort(), 7, new ShardOp.Write(new Command.Delete(b("k")), 16), 0, 10_000);
        assertEquals(0, ((DeleteRequest) HeldCall.take(atOld).request()).getHeader().getClientId());
    }

    private CompletableFuture<ShardOutcome> write(Command command) {
        return forwarder.forward("s2", "127.0.0.1:" + old.getPort(), 7, new ShardOp.Write(command, 16), 0, 20_000);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
