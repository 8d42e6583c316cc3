package io.ringcache.shard.core;

/**
 * The expiry lag of one shard: for each reclaimed key, the log time of its reclamation minus
 * its expiry time. Written by the apply thread, read by metrics; figures are in milliseconds.
 * Thread-safe: one monitor keeps a reader from seeing the count and the maximum of different moments.
 */
public final class ExpiryLag {

    private long count;
    private long sum;
    private long max;
    private long last;

    synchronized void record(long lagMillis) {
        long lag = Math.max(0, lagMillis);
        count++;
        sum += lag;
        max = Math.max(max, lag);
        last = lag;
    }

    /** Keys reclaimed so far. */
    public synchronized long count() {
        return count;
    }

    public synchronized long maxMillis() {
        return max;
    }

    public synchronized double meanMillis() {
        return count == 0 ? 0 : (double) sum / count;
    }

    public synchronized long lastMillis() {
        return last;
    }
}
