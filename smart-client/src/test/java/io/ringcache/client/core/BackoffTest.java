package io.ringcache.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Property
    void neverNegativeNeverPastTheCapOrTheDeadline(@ForAll @IntRange(min = 0, max = 200) int attempt,
                                                   @ForAll @LongRange(min = 0, max = 100_000) long remaining,
                                                   @ForAll @DoubleRange(min = 0, max = 0.999999) @net.jqwik.api.constraints.Scale(6) double random) {
        long d = new Backoff(20, 1_000, () -> random).delayMillis(attempt, remaining);
        assertTrue(d >= 0 && d <= 1_000 && d <= remaining, "delay " + d);
    }

    @Test
    void growsExponentiallyUntilTheCap() {
        Backoff top = new Backoff(20, 1_000, () -> 0.999999);
        assertEquals(20, top.delayMillis(1, 10_000));
        assertEquals(40, top.delayMillis(2, 10_000));
        assertEquals(80, top.delayMillis(3, 10_000));
        assertEquals(1_000, top.delayMillis(30, 10_000));
        assertEquals(0, new Backoff(20, 1_000, () -> 0).delayMillis(5, 10_000));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10, () -> 0));
    }
}
