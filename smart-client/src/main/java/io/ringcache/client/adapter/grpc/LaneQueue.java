package io.ringcache.client.adapter.grpc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The queueing discipline both lanes share: while fewer than {@code maxInFlight} calls are
 * outstanding a request leaves at once; beyond that requests queue and leave together, up to
 * {@code maxBatch} per call, when a call returns. Thread-safe; it only decides, the lane sends.
 */
final class LaneQueue<P> {

    private final int maxInFlight;
    private final int maxBatch;
    private final ArrayDeque<P> queue = new ArrayDeque<>();
    private int inFlight;

    LaneQueue(int maxInFlight, int maxBatch) {
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
    }

    /** Queues {@code p}; returns the batch to send now (counted in flight), or an empty list. */
    synchronized List<P> offer(P p) {
        queue.add(p);
        return inFlight >= maxInFlight ? List.of() : take();
    }

    /** A call returned: the next batch to send (counted in flight), or an empty list. */
    synchronized List<P> done() {
        inFlight--;
        return take();
    }

    private List<P> take() {
        List<P> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
        while (!queue.isEmpty() && batch.size() < maxBatch) {
            batch.add(queue.poll());
        }
        if (!batch.isEmpty()) {
            inFlight++;
        }
        return batch;
    }
}
