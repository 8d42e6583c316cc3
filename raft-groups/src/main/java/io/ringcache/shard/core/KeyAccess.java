package io.ringcache.shard.core;

/**
 * What a replica remembers of a key's use, for eviction: a recency stamp and a frequency word,
 * two 32-bit integers a {@link ShardStore} keeps beside each entry. Pure arithmetic; the store
 * adapters call it when an entry is read or written, {@link EvictionPlanner} when it ranks.
 *
 * <h2>Recency</h2>
 * A stamp is the time in {@link #TICK_MILLIS} ms ticks, truncated to 32 bits: it wraps after 497
 * days, and idle times are computed modulo that (a key idle longer looks young, as in Redis,
 * whose 24-bit clock in seconds wraps after 194 days). Stamp 0 means "never used" (entries a
 * snapshot or a split restored): it is idle longer than any stamped key; a use that falls on
 * tick 0 is stamped 1 instead.
 *
 * <h2>Frequency</h2>
 * Redis' LFU counter, reimplemented from its documented behaviour:
 * <pre>
 *   bit 31       24 23                    8 7          0
 *       +---------+-----------------------+------------+
 *       | unused  | last decrement minute | counter    |
 *       |         | uint16 (mod 65536)    | uint8      |
 *       +---------+-----------------------+------------+
 * </pre>
 * A new key starts at {@link #NEW_COUNTER} so it is not the first victim. A use first decays
 * the counter by one per {@link #DECAY_MINUTES} minutes since the last use, then increments it
 * with probability {@code 1 / ((counter - NEW_COUNTER) x LOG_FACTOR + 1)}, so the counter grows
 * logarithmically and 255 stands for about a million uses.
 */
public final class KeyAccess {

    /** Resolution of recency stamps. */
    public static final long TICK_MILLIS = 10;
    /** A new key's frequency counter (Redis' LFU_INIT_VAL). */
    public static final int NEW_COUNTER = 5;
    /** Redis' {@code lfu-log-factor} default. */
    public static final int LOG_FACTOR = 10;
    /** Redis' {@code lfu-decay-time} default: the counter loses one per idle minute. */
    public static final int DECAY_MINUTES = 1;

    private KeyAccess() {
    }

    /** The stamp of an entry never used: idle longer than any other. */
    public static final int NEVER = 0;
    /** The time of a write that is not a use (a restore): {@link #stamp} makes it {@link #NEVER}. */
    public static final long UNUSED_MILLIS = Long.MIN_VALUE;

    /** The recency stamp of a use at {@code millis}: never {@link #NEVER}, except for {@link #UNUSED_MILLIS}. */
    public static int stamp(long millis) {
        if (millis == UNUSED_MILLIS) {
            return NEVER;
        }
        int stamp = (int) Math.floorDiv(millis, TICK_MILLIS);
        return stamp == NEVER ? 1 : stamp;
    }

    /** Milliseconds since the use stamped {@code stamp}, at {@code nowMillis} (modulo the clock's wrap). */
    public static long idleMillis(int stamp, long nowMillis) {
        if (stamp == NEVER) {
            return (1L << 32) * TICK_MILLIS;
        }
        return Integer.toUnsignedLong(stamp(nowMillis) - stamp) * TICK_MILLIS;
    }

    /** The frequency word of a key first written at {@code nowMillis}. */
    public static int newFrequency(long nowMillis) {
        return word(minute(nowMillis), NEW_COUNTER);
    }

    /** The counter of {@code word} at {@code nowMillis}, decayed by the minutes since its last use. */
    public static int counter(int word, long nowMillis) {
        int counter = word & 0xFF;
        int elapsed = (minute(nowMillis) - ((word >>> 8) & 0xFFFF)) & 0xFFFF;
        int periods = elapsed / DECAY_MINUTES;
        return periods >= counter ? 0 : counter - periods;
    }

    /**
     * The word after one use at {@code nowMillis}: decayed, then incremented with the logarithmic
     * probability; {@code random} is uniform in [0, 1) and supplied by the caller.
     */
    public static int used(int word, long nowMillis, double random) {
        int counter = counter(word, nowMillis);
        if (counter < 255) {
            int base = Math.max(0, counter - NEW_COUNTER);
            if (random < 1.0 / (base * (double) LOG_FACTOR + 1)) {
                counter++;
            }
        }
        return word(minute(nowMillis), counter);
    }

    private static int minute(long millis) {
        return (int) (Math.floorDiv(millis, 60_000L) & 0xFFFF);
    }

    private static int word(int minute, int counter) {
        return (minute << 8) | counter;
    }
}
