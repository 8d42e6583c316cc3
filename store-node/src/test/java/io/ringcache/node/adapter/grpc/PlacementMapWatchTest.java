package io.ringcache.node.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringcache.node.core.CurrentMap;
import io.ringcache.placement.api.PartitionMapProtos;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.routing.TokenPlanner;
import io.ringcache.testing.Poll;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store's map watch against placement driver members served by real gRPC servers on
 * 127.0.0.1: each records the watches opened on it and pushes maps to them when told.
 */
class PlacementMapWatchTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final StoreChannels channels = new StoreChannels();
    private final CurrentMap currentMap = new CurrentMap();
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private PlacementMapWatch watch;

    @AfterEach
    void stop() throws InterruptedException {
        if (watch != null) {
            watch.close();
        }
        channels.close();
        timer.shutdownNow();
        for (Member m : members) {
            m.server.shutdownNow().awaitTermination();
        }
    }

    @Test
    void aMapPublishedWhileWatchingReachesTheStoreWithoutAHeartbeat() throws Exception {
        Member pd = member();
        watch = watching(pd);
        Poll.until("the watch to open", () -> pd.watches.size() == 1);
        assertEquals(1L, pd.watches.get(0).afterEpoch);

        pd.publish(2);
        Poll.until("epoch 2 to reach the store", () -> epoch() == 2);
        pd.publish(3);
        Poll.until("epoch 3 to reach the store", () -> epoch() == 3);
    }

    @Test
    void aStreamThatEndsIsOpenedAgainFromTheEpochHeld() throws Exception {
        Member pd = member();
        watch = watching(pd);
        Poll.until("the watch to open", () -> pd.watches.size() == 1);
        pd.publish(2);
        Poll.until("epoch 2 to reach the store", () -> epoch() == 2);

        pd.fail(0);
        Poll.until("the watch to open again", () -> pd.watches.size() == 2);
        assertEquals(2L, pd.watches.get(1).afterEpoch);
        pd.publish(3);
        Poll.until("epoch 3 to reach the store", () -> epoch() == 3);
    }

    @Test
    void aWatchBehindTheHeartbeatMovesToTheMemberThatHadTheMap() throws Exception {
        Member silent = member();
        Member current = member();
        watch = watching(silent, current);
        Poll.until("the watch to open", () -> silent.watches.size() == 1);

        // The heartbeat fetched epoch 2 from the other member: the silent member's stream is left.
        currentMap.offer(map(2));
        watch.behind(current.address());
        Poll.until("the watch to move", () -> current.watches.size() == 1);
        Poll.until("the old stream to be cancelled", () -> silent.watches.get(0).out.isCancelled());
        assertEquals(2L, current.watches.get(0).afterEpoch);
        assertEquals(current.address(), watch.member());

        current.publish(3);
        Poll.until("epoch 3 to reach the store", () -> epoch() == 3);
        silent.publish(4); // nobody listens there any more
        watch.behind(current.address()); // already there: nothing moves
        assertEquals(1, current.watches.size());
        assertEquals(3L, epoch());
    }

    @Test
    void aMemberThatIsGoneIsLeftForTheNext() throws Exception {
        Member gone = member();
        Member next = member();
        gone.server.shutdownNow().awaitTermination();
        watch = watching(gone, next);
        Poll.until("the watch to reach the next member", () -> next.watches.size() == 1);
        next.publish(2);
        Poll.until("epoch 2 to reach the store", () -> epoch() == 2);
    }

    @Test
    void closingCancelsTheStreamAndOpensNoOther() throws Exception {
        Member pd = member();
        watch = watching(pd);
        Poll.until("the watch to open", () -> pd.watches.size() == 1);
        watch.close();
        Poll.until("the stream to be cancelled", () -> pd.watches.get(0).out.isCancelled());
        pd.publish(2);
        Thread.sleep(3 * PlacementMapWatch.FIRST_PAUSE_MILLIS); // a reopening would have happened by now
        assertEquals(1, pd.watches.size());
        assertEquals(1L, epoch());
    }

    private PlacementMapWatch watching(Member... order) {
        currentMap.offer(map(1));
        List<String> addresses = java.util.Arrays.stream(order).map(Member::address).toList();
        PlacementMapWatch w = new PlacementMapWatch(new PlacementEndpoints(addresses), channels, currentMap, timer);
        w.start();
        return w;
    }

    private long epoch() {
        return currentMap.get().map(PartitionMap::epoch).orElse(0L);
    }

    private static PartitionMap map(long epoch) {
        return new PartitionMap(epoch, TokenPlanner.initial(0), Map.of(0, new ShardInfo(0, List.of("s1"), "s1", 1)),
                Map.of("s1", new StoreInfo("s1", "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", Map.of(), StoreState.UP)));
    }

    private Member member() throws Exception {
        Member m = new Member();
        m.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(m).build().start();
        m.port = m.server.getPort();
        members.add(m);
        return m;
    }

    private record Watch(long afterEpoch, ServerCallStreamObserver<GetPartitionMapResponse> out) {
    }

    /** A placement driver member's watch endpoint. */
    private static final class Member extends PlacementDriverGrpc.PlacementDriverImplBase {
        Server server;
        int port;
        final List<Watch> watches = new CopyOnWriteArrayList<>();
        final java.util.Set<Watch> ended = java.util.concurrent.ConcurrentHashMap.newKeySet();

        String address() {
            return "127.0.0.1:" + port;
        }

        /** Ends watch {@code i} from the member's side, as a member that restarts does. */
        void fail(int i) {
            Watch w = watches.get(i);
            ended.add(w);
            w.out.onError(Status.UNAVAILABLE.withDescription("member restarting").asRuntimeException());
        }

        @Override
        public void watchPartitionMap(GetPartitionMapRequest request, StreamObserver<GetPartitionMapResponse> out) {
            watches.add(new Watch(request.getAfterEpoch(), (ServerCallStreamObserver<GetPartitionMapResponse>) out));
        }

        void publish(long epoch) {
            GetPartitionMapResponse r = GetPartitionMapResponse.newBuilder().setMap(PartitionMapProtos.toProto(map(epoch))).build();
            for (Watch w : watches) {
                if (!w.out.isCancelled() && !ended.contains(w)) {
                    w.out.onNext(r);
                }
            }
        }
    }
}
