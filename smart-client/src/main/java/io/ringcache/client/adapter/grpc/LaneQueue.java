package io.ringcache.client.adapter.grpc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The queueing discipline both lanes share: while fewer than {@code maxInFlight} calls are
 * outstanding a request leaves at once; beyond that requests queue and leave together, in arrival
 * order, when a call returns: up to {@code maxBatch} requests and {@code maxBatchBytes} bytes per
 * call, except that a single request larger than the byte bound still leaves (alone), so nothing
 * waits forever. "Bytes" is whatever weight the lane gives a request (encoded size for writes,
 * keys for reads). Thread-safe; it only decides, the lane sends.
 */
final class LaneQueue<P> {

    private final int maxInFlight;
    private final int maxBatch;
    private final long maxBatchBytes;
    private final ToIntFunction<P> bytes;
    private final ArrayDeque<P> queue = new ArrayDeque<>();
    private int inFlight;

    LaneQueue(int maxInFlight, int maxBatch, long maxBatchBytes, ToIntFunction<P> bytes) {
        if (maxInFlight < 1 || maxBatch < 1 || maxBatchBytes < 1) {
            throw new IllegalArgumentException("lane bounds must be positive");
        }
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
        this.maxBatchBytes = maxBatchBytes;
        this.bytes = bytes;
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
        long size = 0;
        while (!queue.isEmpty() && batch.size() < maxBatch) {
            long next = bytes.applyAsInt(queue.peek());
            if (!batch.isEmpty() && size + next > maxBatchBytes) {
                break;
            }
            size += next;
            batch.add(queue.poll());
        }
        if (!batch.isEmpty()) {
            inFlight++;
        }
        return batch;
    }
}
