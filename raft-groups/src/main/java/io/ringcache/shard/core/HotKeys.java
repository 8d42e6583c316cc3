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
        if (++samples % HALVE_EVERY == 0) {
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
