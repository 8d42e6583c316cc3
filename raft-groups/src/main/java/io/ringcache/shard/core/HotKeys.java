package io.ringcache.shard.core;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keys a replica reads most, in bounded memory: Metwally, Agrawal and El Abbadi's Space-Saving
 * ("Efficient Computation of Frequent and Top-k Elements in Data Streams", ICDT 2005),
 * reimplemented from the paper, over a sample of the reads.
 * <ul>
 *   <li><b>Sampled:</b> one read in {@link #SAMPLE_EVERY} is counted, so the readers' threads meet
 *       the monitor on an eighth of the reads; counts are scaled back up in {@link #top}.</li>
 *   <li><b>Space-Saving:</b> at most {@link #CAPACITY} counters. A key not counted takes the
 *       smallest counter's place and count plus one, and remembers that count as its error, so a
 *       key's count is an upper bound and {@code count - error} a lower bound; any key read more
 *       than {@code samples / CAPACITY} times is guaranteed a counter.</li>
 *   <li><b>Recent:</b> every {@link #HALVE_EVERY} samples all counts halve, so a key that stopped
 *       being read leaves the top within a few halvings (seconds, at thousands of reads per
 *       second).</li>
 *   <li><b>Hot:</b> every {@link #REFRESH_EVERY} samples the keys whose count is at least
 *       {@link #HOT_MIN_SAMPLES} and at least a {@link #HOT_SHARE_DIVISOR}th of the samples
 *       counted since the last halving become the hot set (at most {@link #HOT_MAX} keys), which
 *       {@link #isHot} reads without the monitor: replies mark those keys so clients spread their
 *       reads.</li>
 * </ul>
 * Thread-safe: readers record concurrently; the monitor guards the counters.
 */
public final class HotKeys {

    /** Counters kept. */
    public static final int CAPACITY = 64;
    /** One read in this many is counted (a power of two). */
    public static final int SAMPLE_EVERY = 8;
    /** Counts halve after this many counted reads. */
    public static final int HALVE_EVERY = 8_192;
    /** The hot set is recomputed after this many counted reads. */
    public static final int REFRESH_EVERY = 128;
    /** A hot key was counted at least this often (256 reads)... */
    public static final int HOT_MIN_SAMPLES = 32;
    /** ...and takes at least 1/64 of the counted reads. */
    public static final int HOT_SHARE_DIVISOR = 64;
    /** Keys in the hot set at most. */
    public static final int HOT_MAX = 16;

    /** A key and how often it was read, estimated: between {@code reads - error} and {@code reads}. */
    public record HotKey(byte[] key, long reads, long error) {
    }

    private static final class Counter {
        final byte[] key;
        long count;
        long error;

        Counter(byte[] key, long count, long error) {
            this.key = key;
            this.count = count;
            this.error = error;
        }
    }

    private final AtomicLong reads = new AtomicLong();
    private final Map<ByteBuffer, Counter> counters = new HashMap<>();
    private long samples;
    /** The hot set, replaced whole; read without the monitor. */
    private volatile java.util.Set<ByteBuffer> hot = java.util.Set.of();

    /** Counts a read of {@code key} (one in {@link #SAMPLE_EVERY}). */
    public void read(byte[] key) {
        if ((reads.incrementAndGet() & (SAMPLE_EVERY - 1)) != 0) {
            return;
        }
        synchronized (this) {
            count(key);
        }
    }

    private void count(byte[] key) {
        Counter c = counters.get(ByteBuffer.wrap(key));
        if (c != null) {
            c.count++;
        } else if (counters.size() < CAPACITY) {
            byte[] copy = key.clone();
            counters.put(ByteBuffer.wrap(copy), new Counter(copy, 1, 0));
        } else {
            Counter min = null;
            for (Counter candidate : counters.values()) {
                if (min == null || candidate.count < min.count) {
                    min = candidate;
                }
            }
            counters.remove(ByteBuffer.wrap(min.key));
            byte[] copy = key.clone();
            counters.put(ByteBuffer.wrap(copy), new Counter(copy, min.count + 1, min.count));
        }
        samples++;
        if (samples % REFRESH_EVERY == 0) {
            refreshHot();
        }
        if (samples % HALVE_EVERY == 0) {
            for (Iterator<Counter> it = counters.values().iterator(); it.hasNext(); ) {
                Counter k = it.next();
                k.count /= 2;
                k.error /= 2;
                if (k.count == 0) {
                    it.remove();
                }
            }
        }
    }

    private void refreshHot() {
        long sinceHalving = samples % HALVE_EVERY == 0 ? HALVE_EVERY : samples % HALVE_EVERY;
        long threshold = Math.max(HOT_MIN_SAMPLES, sinceHalving / HOT_SHARE_DIVISOR);
        List<Counter> hottest = new ArrayList<>();
        for (Counter c : counters.values()) {
            if (c.count - c.error >= threshold) {
                hottest.add(c);
            }
        }
        hottest.sort(Comparator.comparingLong((Counter c) -> c.count).reversed());
        java.util.Set<ByteBuffer> next = new java.util.HashSet<>();
        for (Counter c : hottest.subList(0, Math.min(HOT_MAX, hottest.size()))) {
            next.add(ByteBuffer.wrap(c.key));
        }
        hot = java.util.Set.copyOf(next);
    }

    /** Whether {@code key} is in the hot set; lock-free, allocation-free while no key is hot. */
    public boolean isHot(byte[] key) {
        java.util.Set<ByteBuffer> current = hot;
        return !current.isEmpty() && current.contains(ByteBuffer.wrap(key));
    }

    /** The {@code limit} most read keys, most read first, with counts scaled to all reads. */
    public synchronized List<HotKey> top(int limit) {
        List<Counter> sorted = new ArrayList<>(counters.values());
        sorted.sort(Comparator.comparingLong((Counter c) -> c.count).reversed());
        List<HotKey> out = new ArrayList<>(Math.min(limit, sorted.size()));
        for (Counter c : sorted.subList(0, Math.min(limit, sorted.size()))) {
            out.add(new HotKey(c.key.clone(), c.count * SAMPLE_EVERY, c.error * SAMPLE_EVERY));
        }
        return out;
    }
}
