package io.ringcache.client.adapter.grpc;

import io.grpc.stub.StreamObserver;
import io.ringcache.client.core.Backoff;
import io.ringcache.client.core.RouteTable;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.PlacementMember;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the client's route table current: fetches the partition map from any placement driver
 * member (every member serves it), then watches it (a stream pushing every new epoch), moving to
 * another member when one fails. Leader hints from stores are folded in between epochs.
 */
final class PlacementWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementWatcher.class);

    private final List<String> members = new CopyOnWriteArrayList<>();
    private final ClientChannels channels;
    private final ScheduledExecutorService timer;
    private final Runnable onRefresh;
    private final AtomicReference<RouteTable> table = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<RouteTable>> refreshing = new AtomicReference<>();
    private final Backoff backoff = new Backoff(100, 5_000, () -> ThreadLocalRandom.current().nextDouble());
    private final List<Consumer<RouteTable>> listeners = new CopyOnWriteArrayList<>();
    private volatile int memberIndex;
    private volatile boolean closed;
    private int watchFailures;

    PlacementWatcher(List<String> seeds, ClientChannels channels, ScheduledExecutorService timer, Runnable onRefresh) {
        this.members.addAll(seeds);
        this.channels = channels;
        this.timer = timer;
        this.onRefresh = onRefresh;
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
        watch();
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
     * Fetches a map of at least {@code atLeastEpoch} (a store has it): when the member asked has
     * none that new (a placement driver member cut off from its leader serves the map it last
     * had), the next refresh asks the next member. The fault suite caught SDK calls answered
     * StaleEpoch until their deadline while the member the SDK asked sat behind a partition.
     */
    CompletableFuture<RouteTable> refresh(long atLeastEpoch) {
        return refresh().thenApply(t -> {
            if (t.epoch() < atLeastEpoch) {
                nextMember();
            }
            return t;
        });
    }

    /** Fetches a newer map now; concurrent callers share one fetch. Completes with the table either way. */
    CompletableFuture<RouteTable> refresh() {
        CompletableFuture<RouteTable> mine = new CompletableFuture<>();
        CompletableFuture<RouteTable> running = refreshing.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        onRefresh.run();
        String member = member();
        long after = table.get().epoch();
        PlacementDriverGrpc.newStub(channels.to(member)).withDeadlineAfter(2, TimeUnit.SECONDS)
                .getPartitionMap(GetPartitionMapRequest.newBuilder().setAfterEpoch(after).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(GetPartitionMapResponse r) {
                        accept(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        nextMember();
                        finish(mine);
                    }

                    @Override
                    public void onCompleted() {
                        finish(mine);
                    }
                });
        return mine;
    }

    private void finish(CompletableFuture<RouteTable> mine) {
        refreshing.compareAndSet(mine, null);
        mine.complete(table.get());
    }

    private void watch() {
        if (closed) {
            return;
        }
        String member = member();
        long after = table.get().epoch();
        PlacementDriverGrpc.newStub(channels.to(member)).watchPartitionMap(
                GetPartitionMapRequest.newBuilder().setAfterEpoch(after).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(GetPartitionMapResponse r) {
                        watchFailures = 0;
                        accept(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        rewatch();
                    }

                    @Override
                    public void onCompleted() {
                        rewatch();
                    }
                });
    }

    private void rewatch() {
        if (closed) {
            return;
        }
        nextMember();
        long delay = backoff.delayMillis(++watchFailures, 5_000);
        LOG.debug("partition map watch ended; watching {} in {} ms", member(), delay);
        try {
            timer.schedule(this::watch, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
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
        closed = true;
    }
}
