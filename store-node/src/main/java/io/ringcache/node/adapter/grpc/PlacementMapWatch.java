package io.ringcache.node.adapter.grpc;

import io.ringcache.node.core.CurrentMap;
import io.ringcache.placement.api.PartitionMapProtos;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.PlacementMember;
import io.ringcache.transport.PartitionMapWatch;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Keeps this store's partition map current: a watch on a placement driver member (the stream the
 * SDK watches too, which pushes every new epoch, kept open by the shared {@link PartitionMapWatch}),
 * each map offered to {@link CurrentMap}.
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
 * the heartbeat's member (or the next one, when that is the one whose stream ended) after a pause
 * ({@link #FIRST_PAUSE_MILLIS}, doubling up to {@link #MAX_PAUSE_MILLIS} while streams keep
 * ending unsettled).
 */
final class PlacementMapWatch implements AutoCloseable {

    static final long FIRST_PAUSE_MILLIS = 100;
    static final long MAX_PAUSE_MILLIS = 5_000;

    private final PlacementEndpoints endpoints;
    private final CurrentMap currentMap;
    private final PartitionMapWatch watch;

    PlacementMapWatch(PlacementEndpoints endpoints, StoreChannels channels, CurrentMap currentMap,
                      ScheduledExecutorService timer) {
        this.endpoints = endpoints;
        this.currentMap = currentMap;
        this.watch = new PartitionMapWatch(channels::to, () -> currentMap.get().map(PartitionMap::epoch).orElse(0L),
                this::accept, this::nextMember,
                unsettled -> Math.min(MAX_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << Math.min(unsettled - 1, 16)), timer);
    }

    /** Opens the first stream, on the member the heartbeat talks to. */
    void start() {
        watch.start(endpoints.current());
    }

    /**
     * The heartbeat had to fetch a newer map from {@code member}: a watch on another member may
     * be on one that no longer hears of new maps, so it moves there.
     */
    void behind(String member) {
        watch.moveTo(member);
    }

    /** The member the watch is on (empty before the first), for tests and status. */
    String member() {
        return watch.member();
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
        watch.close();
    }
}
