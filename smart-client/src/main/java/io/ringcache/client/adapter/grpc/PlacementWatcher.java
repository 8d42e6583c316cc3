package io.ringcache.client.adapter.grpc;

import io.grpc.stub.StreamObserver;
import io.ringcache.client.core.Backoff;
import io.ringcache.client.core.RouteTable;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.PlacementMember;
import io.ringcache.transport.PartitionMapWatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Keeps the client's route table current: fetches the partition map from any placement driver
 * member (every member serves it), then watches it (a stream pushing every new epoch, kept open
 * by the shared {@link PartitionMapWatch}, which the stores use too), moving to another member
 * when one fails. Leader hints from stores are folded in between epochs.
 */
final class PlacementWatcher implements AutoCloseable {

    private final List<String> members = new CopyOnWriteArrayList<>();
    private final ClientChannels channels;
    private final ScheduledExecutorService timer;
    private final Runnable onRefresh;
    private final AtomicReference<RouteTable> table = new AtomicReference<>();
    private final AtomicReference<Round> refreshing = new AtomicReference<>();
    private final Backoff backoff = new Backoff(100, 5_000, () -> ThreadLocalRandom.current().nextDouble());
    private final List<Consumer<RouteTable>> listeners = new CopyOnWriteArrayList<>();
    private volatile int memberIndex;
    /** The watch stream, kept open across members (started once the first map is in). */
    private final PartitionMapWatch watch;

    PlacementWatcher(List<String> seeds, ClientChannels channels, ScheduledExecutorService timer, Runnable onRefresh) {
        this.members.addAll(seeds);
        this.channels = channels;
        this.timer = timer;
        this.onRefresh = onRefresh;
        this.watch = new PartitionMapWatch(channels::to, () -> table.get().epoch(), this::accept, ended -> {
            nextMember();
            return member();
        }, unsettled -> backoff.delayMillis(unsettled, 5_000), timer);
    }

    /** Fetches the first map (trying every member until {@code timeoutMillis}), then starts watching. */
    PlacementWatcher start(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        RuntimeException last = null;
        while (table.get() == null && System.nanoTime() < deadline) {
            String member = member();
            try {
                GetPartitionMapResponse r = PlacementDriverGrpc.newBlockingStub(channels.to(member))
                        .withDeadlineAfter(Math.max(1, Math.min(2_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))),
                                TimeUnit.MILLISECONDS)
                        .getPartitionMap(GetPartitionMapRequest.getDefaultInstance());
                accept(r);
                if (table.get() == null) {
                    last = new IllegalStateException("the cluster has no partition map yet (no store registered)");
                    sleep(200);
                }
            } catch (RuntimeException e) {
                last = e;
                nextMember();
                sleep(100);
            }
        }
        if (table.get() == null) {
            throw new io.ringcache.client.RingcacheException.Unavailable(-1,
                    "cannot get the partition map from the placement driver at " + members
                            + (last == null ? "" : ": " + last.getMessage()), last);
        }
        watch.start(member());
        return this;
    }

    RouteTable table() {
        return table.get();
    }

    void addListener(Consumer<RouteTable> listener) {
        listeners.add(listener);
    }

    /** A store named the shard's leader: route there until a newer map says otherwise. */
    void leaderHint(int shardId, String storeId, String address) {
        table.updateAndGet(t -> t.withStoreAddress(storeId, address).withLeader(shardId, storeId));
    }

    /**
     * Fetches a map of at least {@code atLeastEpoch} (a store has it): a member that answers
     * with nothing that new (a placement driver member cut off from its leader serves the map it
     * last had) is left for the next one at once, and the round ends when the map is had or every
     * member has answered or failed. The fault suite caught SDK calls answered StaleEpoch until
     * their deadline while the member the SDK asked sat behind a partition.
     */
    CompletableFuture<RouteTable> refresh(long atLeastEpoch) {
        return join(atLeastEpoch);
    }

    /** Fetches a newer map now; concurrent callers share one round. Completes with the table either way. */
    CompletableFuture<RouteTable> refresh() {
        return join(0);
    }

    /** How long a refresh waits for one member's answer before it also asks the next. */
    static final long HEDGE_MILLIS = 250;
    /** The deadline of one member's answer. */
    static final long FETCH_DEADLINE_MILLIS = 2_000;

    private CompletableFuture<RouteTable> join(long atLeastEpoch) {
        while (true) {
            Round running = refreshing.get();
            if (running != null) {
                running.want(atLeastEpoch);
                return running.done;
            }
            Round mine = new Round(atLeastEpoch, table.get().epoch());
            if (refreshing.compareAndSet(null, mine)) {
                onRefresh.run();
                mine.askNext();
                return mine.done;
            }
        }
    }

    /**
     * One refresh: asks the members in turn from the current one, and the next one too when the
     * last asked has not answered within {@link #HEDGE_MILLIS} (a member behind a one-way
     * partition takes the call and never answers: waiting out its deadline cost every caller
     * 2 s). Ends when the table reaches the epoch its callers want (any answer, when they named
     * none), or when every member has answered or failed; the member that delivered becomes the
     * one asked first next time, and the one watched.
     */
    private final class Round {
        final CompletableFuture<RouteTable> done = new CompletableFuture<>();
        private final java.util.concurrent.atomic.AtomicLong wanted;
        private final long after;
        private final List<String> order;
        private int asked; // guarded by this
        private int open;  // guarded by this
        private boolean finished; // guarded by this

        Round(long wanted, long after) {
            this.wanted = new java.util.concurrent.atomic.AtomicLong(wanted);
            this.after = after;
            int from = memberIndex;
            List<String> snapshot = List.copyOf(members);
            java.util.ArrayList<String> o = new java.util.ArrayList<>(snapshot.size());
            for (int i = 0; i < snapshot.size(); i++) {
                o.add(snapshot.get(Math.floorMod(from + i, snapshot.size())));
            }
            this.order = o;
        }

        void want(long epoch) {
            wanted.accumulateAndGet(epoch, Math::max);
        }

        void askNext() {
            String member;
            synchronized (this) {
                if (finished || asked >= order.size()) {
                    return;
                }
                member = order.get(asked++);
                open++;
            }
            try {
                timer.schedule(this::hedge, HEDGE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing: the fetch's own deadline still ends the round
            }
            PlacementDriverGrpc.newStub(channels.to(member)).withDeadlineAfter(FETCH_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                    .getPartitionMap(GetPartitionMapRequest.newBuilder().setAfterEpoch(after).build(), new StreamObserver<>() {
                        private boolean answered;

                        @Override
                        public void onNext(GetPartitionMapResponse r) {
                            answered = true;
                            accept(r);
                            answer(member, true);
                        }

                        @Override
                        public void onError(Throwable t) {
                            answer(member, false);
                        }

                        @Override
                        public void onCompleted() {
                            if (!answered) {
                                answer(member, false);
                            }
                        }
                    });
        }

        private void hedge() {
            synchronized (this) {
                if (finished) {
                    return;
                }
            }
            askNext();
        }

        private void answer(String member, boolean answered) {
            boolean end;
            boolean more;
            synchronized (this) {
                if (finished) {
                    return;
                }
                open--;
                end = answered && table.get().epoch() >= wanted.get();
                more = asked < order.size();
                if (end || (!more && open == 0)) {
                    finished = true;
                }
            }
            if (end) {
                int at = members.indexOf(member);
                if (at >= 0) {
                    memberIndex = at;
                }
                if (table.get().epoch() > after) {
                    // The watch, when on another member, may be on one that no longer hears of
                    // new maps (behind a partition, its stream open and silent): it moves.
                    watch.moveTo(member);
                }
                finish();
            } else if (more) {
                askNext(); // failed, or had nothing new enough: the next member at once
            } else if (finished) {
                if (!answered || table.get().epoch() < wanted.get()) {
                    memberIndex++; // start elsewhere next time
                }
                finish();
            }
        }

        private void finish() {
            refreshing.compareAndSet(this, null);
            done.complete(table.get());
        }
    }

    private void accept(GetPartitionMapResponse r) {
        for (PlacementMember m : r.getMembersList()) {
            if (!m.getGrpcAddress().isEmpty() && !members.contains(m.getGrpcAddress())) {
                members.add(m.getGrpcAddress());
            }
        }
        if (!r.hasMap()) {
            return;
        }
        RouteTable next = RouteTables.of(r.getMap());
        RouteTable now = table.updateAndGet(t -> t == null || next.epoch() > t.epoch() ? next : t);
        if (now == next) {
            listeners.forEach(l -> l.accept(next));
        }
    }

    private String member() {
        return members.get(Math.floorMod(memberIndex, members.size()));
    }

    private void nextMember() {
        memberIndex++;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
