package io.ringcache.node.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit for one shard, as pure bookkeeping (no threads, no clock): a write goes out at once
 * while fewer than {@code maxInFlight} log entries of the shard are in flight; otherwise it
 * waits, and when an entry completes, everything waiting (up to {@code maxCommands} commands and
 * {@code maxBytes} bytes) leaves together as one entry. Under light load a write pays no delay;
 * under heavy load one round of consensus carries many writes, so throughput grows with
 * concurrency.
 *
 * <p>The caller sends every batch this returns, and calls {@link #completed()} once per batch
 * when its entry is done (committed or failed). Thread-safe.
 *
 * @param <T> a pending write
 */
public final class CommitQueue<T> {

    private final int maxInFlight;
    private final int maxCommands;
    private final long maxBytes;
    private final ArrayDeque<T> waiting = new ArrayDeque<>();
    private final ArrayDeque<Integer> waitingBytes = new ArrayDeque<>();
    private int inFlight;

    public CommitQueue(int maxInFlight, int maxCommands, long maxBytes) {
        if (maxInFlight < 1 || maxCommands < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxInFlight = maxInFlight;
        this.maxCommands = maxCommands;
        this.maxBytes = maxBytes;
    }

    /** Queues a write of {@code bytes}; returns a batch to send now, or an empty list. */
    public synchronized List<T> offer(T write, int bytes) {
        waiting.add(write);
        waitingBytes.add(bytes);
        return inFlight < maxInFlight ? take() : List.of();
    }

    /** An entry finished; returns the next batch to send, or an empty list. */
    public synchronized List<T> completed() {
        if (inFlight <= 0) {
            throw new IllegalStateException("completed() without a batch in flight");
        }
        inFlight--;
        return take();
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    private List<T> take() {
        if (waiting.isEmpty()) {
            return List.of();
        }
        List<T> batch = new ArrayList<>(Math.min(waiting.size(), maxCommands));
        long bytes = 0;
        while (!waiting.isEmpty() && batch.size() < maxCommands
                && (batch.isEmpty() || bytes + waitingBytes.peek() <= maxBytes)) {
            bytes += waitingBytes.poll();
            batch.add(waiting.poll());
        }
        inFlight++;
        return batch;
    }
}
