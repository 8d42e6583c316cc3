package io.ringcache.node.adapter.grpc;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ringcache.node.core.CurrentMap;
import io.ringcache.placement.api.PartitionMapProtos;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.PlacementMember;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this store's partition map current: a watch on a placement driver member (the stream the
 * SDK watches too, which pushes every new epoch), each map offered to {@link CurrentMap}.
 *
 * <p>Why: a store groups every batch, and routes every forwarded request, by its own map. While it
 * learned maps only from the heartbeat's fetch, once a second, a store went on sending a split's
 * moved keys to the parent, which refused them, for up to a second after the placement driver had
 * published the split; the SDK, watching, already had the new map (bench/RESULTS.md, "Stores that
 * watch the map").
 *
 * <p>The heartbeat's fetch stays, as the fallback: a member cut off from its quorum keeps its
 * stream open and silent. When the heartbeat fetches a map the watch had not brought, from another
 * member, the watch moves to that member ({@link #behind}). A stream that ends is opened again on
 * the next member after a pause ({@link #FIRST_PAUSE_MILLIS}, doubling up to
 * {@link #MAX_PAUSE_MILLIS} while streams keep ending soon after they opened).
 *
 * <p>Threads: the stream's callbacks run on gRPC's threads, reopening on {@code timer}. Only the
 * current stream ({@link #watching}) may schedule the next, so at most one is open at a time.
 */
final class PlacementMapWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementMapWatch.class);

    static final long FIRST_PAUSE_MILLIS = 100;
    static final long MAX_PAUSE_MILLIS = 5_000;

    private final PlacementEndpoints endpoints;
    private final StoreChannels channels;
    private final CurrentMap currentMap;
    private final ScheduledExecutorService timer;
    private volatile Stream watching;
    private volatile boolean closed;
    /** Streams in a row that ended within {@link #MAX_PAUSE_MILLIS} of opening; written by the current stream only. */
    private volatile int endedSoon;

    PlacementMapWatch(PlacementEndpoints endpoints, StoreChannels channels, CurrentMap currentMap,
                      ScheduledExecutorService timer) {
        this.endpoints = endpoints;
        this.channels = channels;
        this.currentMap = currentMap;
        this.timer = timer;
    }

    /** Opens the first stream, on the member the heartbeat talks to. */
    void start() {
        open(endpoints.current());
    }

    /**
     * The heartbeat had to fetch a newer map from {@code member}: a watch on another member may
     * be on one that no longer hears of new maps, so it moves there. (On the same member the push
     * was merely still on its way.)
     */
    void behind(String member) {
        Stream s = watching;
        if (closed || (s != null && s.member.equals(member))) {
            return;
        }
        if (s != null) {
            s.cancel("the watch moves to " + member);
        }
        open(member);
    }

    /** The member the watch is on (empty before the first), for tests and status. */
    String member() {
        Stream s = watching;
        return s == null ? "" : s.member;
    }

    private void open(String member) {
        if (closed) {
            return;
        }
        Stream s = new Stream(member);
        watching = s;
        long held = currentMap.get().map(PartitionMap::epoch).orElse(0L);
        try {
            PlacementDriverGrpc.newStub(channels.to(member))
                    .watchPartitionMap(GetPartitionMapRequest.newBuilder().setAfterEpoch(held).build(), s);
        } catch (RuntimeException e) {
            // A channel that cannot even be made (a closing channel set): treated as a stream that ended.
            s.ended(e);
        }
    }

    private void reopenAfter(Stream ended) {
        if (closed || watching != ended) {
            return;
        }
        if (System.nanoTime() - ended.openedNanos >= TimeUnit.MILLISECONDS.toNanos(MAX_PAUSE_MILLIS)) {
            endedSoon = 0;
        }
        int failures = ++endedSoon;
        long pause = Math.min(MAX_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << Math.min(failures - 1, 16));
        String next = nextMember(ended.member);
        try {
            timer.schedule(() -> {
                if (watching == ended) {
                    open(next);
                }
            }, pause, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** The member the heartbeat talks to, unless that is the one whose stream just ended; then the next known. */
    private String nextMember(String ended) {
        String current = endpoints.current();
        if (!current.equals(ended)) {
            return current;
        }
        List<String> all = endpoints.all();
        int at = all.indexOf(ended);
        return all.get((at + 1) % all.size());
    }

    private void accept(GetPartitionMapResponse r) {
        for (PlacementMember m : r.getMembersList()) {
            endpoints.learn(m.getGrpcAddress());
        }
        if (r.hasMap()) {
            currentMap.offer(PartitionMapProtos.fromProto(r.getMap()));
        }
    }

    @Override
    public void close() {
        closed = true;
        Stream s = watching;
        if (s != null) {
            s.cancel("the store is closing");
        }
    }

    /** One watch stream on one member. */
    private final class Stream implements ClientResponseObserver<GetPartitionMapRequest, GetPartitionMapResponse> {
        final String member;
        final long openedNanos = System.nanoTime();
        private volatile ClientCallStreamObserver<GetPartitionMapRequest> call;
        private volatile boolean cancelled;

        Stream(String member) {
            this.member = member;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<GetPartitionMapRequest> call) {
            this.call = call;
        }

        @Override
        public void onNext(GetPartitionMapResponse r) {
            if (!cancelled) {
                accept(r);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended(t);
        }

        @Override
        public void onCompleted() {
            ended(null);
        }

        void ended(Throwable why) {
            if (!cancelled) {
                LOG.debug("partition map watch on {} ended{}", member, why == null ? "" : ": " + why);
                reopenAfter(this);
            }
        }

        void cancel(String why) {
            cancelled = true;
            ClientCallStreamObserver<GetPartitionMapRequest> c = call;
            if (c != null) {
                c.cancel(why, null);
            }
        }
    }
}
