package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyAccessTest {

    private static final long T0 = 1_700_000_000_000L;

    @Test
    void idleTimeIsInTicksAndSurvivesTheClockWrap() {
        int stamp = KeyAccess.stamp(T0);
        assertEquals(0, KeyAccess.idleMillis(stamp, T0));
        assertEquals(1_230, KeyAccess.idleMillis(stamp, T0 + 1_234));
        int beforeWrap = (int) (0xFFFF_FFF0L);
        long nowTicks = 0x1_0000_0005L; // 21 ticks after the stamp, across the 32-bit wrap
        assertEquals(21 * KeyAccess.TICK_MILLIS, KeyAccess.idleMillis(beforeWrap, nowTicks * KeyAccess.TICK_MILLIS));
        // Never used (restored) ranks idle longer than any use, whatever the clock's wrap.
        for (long now : new long[] {T0, 0, 5, 1L << 35, (1L << 32) * KeyAccess.TICK_MILLIS + 3}) {
            assertTrue(KeyAccess.idleMillis(KeyAccess.NEVER, now) > KeyAccess.idleMillis(KeyAccess.stamp(now - 5_000), now));
            assertTrue(KeyAccess.stamp(now) != KeyAccess.NEVER);
        }
    }

    @Test
    void frequencyGrowsLogarithmicallyAndDecaysPerIdleMinute() {
        SplittableRandom random = new SplittableRandom(7);
        int word = KeyAccess.newFrequency(T0);
        assertEquals(KeyAccess.NEW_COUNTER, KeyAccess.counter(word, T0));
        for (int i = 0; i < 1_000; i++) {
            word = KeyAccess.used(word, T0, random.nextDouble());
        }
        int afterThousand = KeyAccess.counter(word, T0);
        for (int i = 0; i < 99_000; i++) {
            word = KeyAccess.used(word, T0, random.nextDouble());
        }
        int afterHundredThousand = KeyAccess.counter(word, T0);
        // Redis' table for lfu-log-factor 10: about 18 after 1k uses, about 142 after 100k.
        assertTrue(afterThousand > 10 && afterThousand < 30, "after 1k: " + afterThousand);
        assertTrue(afterHundredThousand > 100 && afterHundredThousand < 200, "after 100k: " + afterHundredThousand);
        assertEquals(afterHundredThousand - 3, KeyAccess.counter(word, T0 + 3 * 60_000));
        assertEquals(0, KeyAccess.counter(word, T0 + 1_000 * 60_000L));
        assertEquals(255, KeyAccess.counter(KeyAccess.used(255, 0, 0.0), 0), "the counter saturates");
    }
}
