package io.ringcache.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.testing.Poll;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared map watch against placement driver members served by real gRPC servers on
 * 127.0.0.1, each answering its n-th watch as the test scripts it.
 */
class PartitionMapWatchTest {

    /** How a member treats a watch: answer with an epoch (0: none) and end it, or hold it open. */
    private record Script(long answerEpoch, boolean end) {
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final List<Long> answers = new CopyOnWriteArrayList<>();
    private final List<Integer> pausesAsked = new CopyOnWriteArrayList<>();
    private PartitionMapWatch watch;

    @AfterEach
    void stop() throws InterruptedException {
        if (watch != null) {
            watch.close();
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
        timer.shutdownNow();
        for (Member m : members) {
            m.server.shutdownNow().awaitTermination();
        }
    }

    @Test
    void streamsThatEndUnansweredPauseLongerEachTimeAndAnAnswerStartsThePausesAgain() throws Exception {
        // Watches 1-3 end at once; the 4th answers epoch 7, then ends; the 5th stays open.
        Member pd = member(n -> n <= 3 ? new Script(0, true) : n == 4 ? new Script(7, true) : new Script(0, false));
        watch = watchFrom(pd, pd);
        Poll.until("the fifth watch to open", () -> pd.opened.get() == 5);
        assertEquals(List.of(7L), answers);
        assertEquals(List.of(1, 2, 3, 1), pausesAsked, "an answered stream settles the count");
        assertEquals(pd.address, watch.member());
    }

    @Test
    void aMoveCancelsTheStreamAndOpensOnTheOtherMemberOnce() throws Exception {
        Member a = member(n -> new Script(0, false));
        Member b = member(n -> new Script(0, false));
        watch = watchFrom(a, b);
        Poll.until("the watch on a", () -> a.opened.get() == 1);
        watch.moveTo(b.address);
        Poll.until("a's stream cancelled and one on b", () -> a.cancelled.get() == 1 && b.opened.get() == 1);
        watch.moveTo(b.address); // already there
        assertEquals(b.address, watch.member());
        watch.close();
        Poll.until("b's stream cancelled by close", () -> b.cancelled.get() == 1);
        assertEquals(1, a.opened.get(), "a cancelled stream is not reopened");
        assertEquals(1, b.opened.get());
        assertTrue(pausesAsked.isEmpty());
    }

    private PartitionMapWatch watchFrom(Member first, Member next) {
        PartitionMapWatch w = new PartitionMapWatch(this::channelTo, () -> 1L, r -> answers.add(r.getMap().getEpoch()),
                ended -> next.address, failures -> {
                    pausesAsked.add(failures);
                    return 1;
                }, timer);
        w.start(first.address);
        return w;
    }

    private ManagedChannel channelTo(String address) {
        return channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a).usePlaintext().build());
    }

    private Member member(IntFunction<Script> script) throws Exception {
        Member m = new Member(script);
        members.add(m);
        return m;
    }

    /** A placement driver member that only serves the watch, as its script says. */
    private static final class Member extends PlacementDriverGrpc.PlacementDriverImplBase {
        final IntFunction<Script> script;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger cancelled = new AtomicInteger();
        final Server server;
        final String address;

        Member(IntFunction<Script> script) throws Exception {
            this.script = script;
            this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
            this.address = "127.0.0.1:" + server.getPort();
        }

        @Override
        public void watchPartitionMap(GetPartitionMapRequest request, StreamObserver<GetPartitionMapResponse> out) {
            ((ServerCallStreamObserver<GetPartitionMapResponse>) out).setOnCancelHandler(cancelled::incrementAndGet);
            Script s = script.apply(opened.incrementAndGet());
            if (s.answerEpoch() > 0) {
                GetPartitionMapResponse.Builder r = GetPartitionMapResponse.newBuilder();
                r.getMapBuilder().setEpoch(s.answerEpoch());
                out.onNext(r.build());
            }
            if (s.end()) {
                out.onCompleted();
            }
        }
    }
}
