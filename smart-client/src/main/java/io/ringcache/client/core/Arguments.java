package io.ringcache.client.core;

import io.ringcache.client.RingcacheException;
import io.ringcache.routing.KeyLimits;
import java.time.Duration;

/**
 * What the client refuses before anything leaves it, with the same errors every time: a bad
 * argument fails its own call only, never a batch it would have shared with other callers.
 */
public final class Arguments {

    private Arguments() {
    }

    /** The TTL in milliseconds; zero is no expiry. */
    public static long ttlMillis(Duration ttl) {
        if (ttl == null || ttl.isNegative()) {
            throw invalid("the time to live must be zero (no expiry) or positive");
        }
        return ttl.toMillis();
    }

    public static void checkKey(byte[] key) {
        if (key == null || key.length == 0) {
            throw invalid("a key must not be null or empty");
        }
        if (key.length > KeyLimits.MAX_KEY_BYTES) {
            // Refused here: coalesced with other callers' keys, the store would refuse the whole call.
            throw invalid("a key of " + key.length + " bytes exceeds the " + KeyLimits.MAX_KEY_BYTES + "-byte limit");
        }
    }

    public static void checkValue(byte[] value) {
        if (value == null) {
            throw invalid("a value must not be null");
        }
    }

    public static RingcacheException invalid(String message) {
        return new RingcacheException.Rejected(-1, "INVALID_ARGUMENT", message);
    }
}
