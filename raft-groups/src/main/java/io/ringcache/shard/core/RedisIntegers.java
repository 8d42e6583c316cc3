package io.ringcache.shard.core;

/** The integers Redis' INCR family accepts: a signed 64-bit decimal, no sign on zero padding, no spaces. */
final class RedisIntegers {

    private RedisIntegers() {
    }

    /** The value as a long, or null when it is not exactly the decimal text of one (Redis' rule). */
    static Long parse(byte[] text) {
        if (text.length == 0 || text.length > 20) {
            return null;
        }
        int i = 0;
        boolean negative = text[0] == '-';
        if (negative) {
            i = 1;
            if (text.length == 1) {
                return null;
            }
        }
        if (text[i] == '0' && text.length > i + 1) {
            return null; // no leading zeros: "007" is not an integer to Redis
        }
        long value = 0;
        for (; i < text.length; i++) {
            int d = text[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            // Accumulate negatively so Long.MIN_VALUE parses.
            if (value < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            value = value * 10 - d;
        }
        if (negative) {
            return text.length == 2 && text[1] == '0' ? null : value;
        }
        return value == Long.MIN_VALUE ? null : -value;
    }
}
