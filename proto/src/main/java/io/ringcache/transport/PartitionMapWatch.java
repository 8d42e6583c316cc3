package io.ringcache.transport;

import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * A watch of the placement driver's partition map ({@code PlacementDriver/WatchPartitionMap},
 * which pushes every new epoch) kept open across the driver's members: what the SDK's route table
 * and every store's map follow. Each answer goes to {@code onAnswer}, on gRPC's thread.
 *
 * <p>A stream that ends is opened again on the member {@code nextAfter} names, after a pause
 * {@code pauseMillis} gives for the count of streams in a row that ended without settling (a
 * stream settles once it delivered an answer or stayed open {@link #SETTLED_MILLIS}). It asks
 * for what is newer than {@code heldEpoch} at each opening. {@link #moveTo} moves the watch when
 * its owner fetched a newer map from another member: a member cut off from its quorum keeps its
 * stream open and silent, so only a fetch elsewhere shows that the watch went deaf.
 *
 * <p>Threads: the stream's callbacks run on gRPC's threads, reopening on {@code timer}. Only the
 * current stream may schedule the next, so at most one is open at a time.
 */
public final class PartitionMapWatch implements AutoCloseable {

    /** A stream open this long has settled: the next end starts the pauses from the first again. */
    public static final long SETTLED_MILLIS = 5_000;

    private final Function<String, Channel> channelTo;
    private final LongSupplier heldEpoch;
    private final Consumer<GetPartitionMapResponse> onAnswer;
    private final UnaryOperator<String> nextAfter;
    private final IntToLongFunction pauseMillis;
    private final ScheduledExecutorService timer;
    private volatile Stream watching;
    private volatile boolean closed;
    /** Streams in a row that ended unsettled; written by the current stream only. */
    private volatile int unsettled;

    /**
     * @param channelTo   the channel to a member, by its gRPC address
     * @param heldEpoch   the epoch of the map the owner holds (0: none); each opening asks for newer
     * @param onAnswer    told each answer (a map, the members, or both), on gRPC's thread
     * @param nextAfter   the member to watch next when the stream on the given member ended
     * @param pauseMillis the pause before reopening, given how many streams in a row ended unsettled (1, 2, ...)
     */
    public PartitionMapWatch(Function<String, Channel> channelTo, LongSupplier heldEpoch,
                             Consumer<GetPartitionMapResponse> onAnswer, UnaryOperator<String> nextAfter,
                             IntToLongFunction pauseMillis, ScheduledExecutorService timer) {
        this.channelTo = channelTo;
        this.heldEpoch = heldEpoch;
        this.onAnswer = onAnswer;
        this.nextAfter = nextAfter;
        this.pauseMillis = pauseMillis;
        this.timer = timer;
    }

    /** Opens the first stream, on {@code member}. */
    public void start(String member) {
        open(member);
    }

    /**
     * The owner had to fetch a newer map from {@code member}: a watch on another member may be on
     * one that no longer hears of new maps, so it moves there. (On the same member the push was
     * merely still on its way.)
     */
    public void moveTo(String member) {
        Stream s = watching;
        if (closed || (s != null && s.member.equals(member))) {
            return;
        }
        if (s != null) {
            s.cancel("the watch moves to " + member);
        }
        open(member);
    }

    /** The member watched (empty before the first stream), for tests and status. */
    public String member() {
        Stream s = watching;
        return s == null ? "" : s.member;
    }

    private void open(String member) {
        if (closed) {
            return;
        }
        Stream s = new Stream(member);
        watching = s;
        try {
            PlacementDriverGrpc.newStub(channelTo.apply(member)).watchPartitionMap(
                    GetPartitionMapRequest.newBuilder().setAfterEpoch(heldEpoch.getAsLong()).build(), s);
        } catch (RuntimeException e) {
            // A channel that cannot even be made (a closing channel set): treated as a stream that ended.
            s.ended();
        }
    }

    private void reopenAfter(Stream ended) {
        if (closed || watching != ended) {
            return;
        }
        if (ended.answered || System.nanoTime() - ended.openedNanos >= TimeUnit.MILLISECONDS.toNanos(SETTLED_MILLIS)) {
            unsettled = 0;
        }
        long pause = pauseMillis.applyAsLong(++unsettled);
        String next = nextAfter.apply(ended.member);
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

    @Override
    public void close() {
        closed = true;
        Stream s = watching;
        if (s != null) {
            s.cancel("the watch is closing");
        }
    }

    /** One stream on one member. */
    private final class Stream implements ClientResponseObserver<GetPartitionMapRequest, GetPartitionMapResponse> {
        final String member;
        final long openedNanos = System.nanoTime();
        private volatile ClientCallStreamObserver<GetPartitionMapRequest> call;
        private volatile boolean cancelled;
        private volatile boolean answered;

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
                answered = true;
                onAnswer.accept(r);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended(); // every end is met alike: the next stream, after a pause
        }

        @Override
        public void onCompleted() {
            ended();
        }

        void ended() {
            if (!cancelled) {
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
