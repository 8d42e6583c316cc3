package io.ringcache.client.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShardCallsTest {

    @Test
    void eachAttemptMayTakeTwiceAsLongAsTheOneBeforeUpToSixteenTimesTheFirst() {
        long base = 2_000_000_000L;
        assertEquals(base, ShardCalls.attemptTimeoutNanos(base, 1));
        assertEquals(2 * base, ShardCalls.attemptTimeoutNanos(base, 2));
        assertEquals(8 * base, ShardCalls.attemptTimeoutNanos(base, 4));
        assertEquals(16 * base, ShardCalls.attemptTimeoutNanos(base, 5));
        assertEquals(16 * base, ShardCalls.attemptTimeoutNanos(base, 40));
        assertEquals(Long.MAX_VALUE, ShardCalls.attemptTimeoutNanos(Long.MAX_VALUE / 4, 5), "never overflows");
    }
}
