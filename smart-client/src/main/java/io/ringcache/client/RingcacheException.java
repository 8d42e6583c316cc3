package io.ringcache.client;

/**
 * A failure the caller must handle, with the shard it concerns (-1 when none). Subclasses say
 * which kind; every one carries the cause's message.
 */
public class RingcacheException extends RuntimeException {

    private final int shardId;

    public RingcacheException(int shardId, String message, Throwable cause) {
        super(message, cause);
        this.shardId = shardId;
    }

    public int shardId() {
        return shardId;
    }

    /** The call's deadline passed before it succeeded; a write may or may not have applied. */
    public static final class Timeout extends RingcacheException {
        public Timeout(int shardId, String message, Throwable cause) {
            super(shardId, message, cause);
        }
    }

    /** The shard had no reachable leader or replica until the deadline. */
    public static final class Unavailable extends RingcacheException {
        public Unavailable(int shardId, String message, Throwable cause) {
            super(shardId, message, cause);
        }
    }

    /** The request was refused as it is (too large, invalid, shard full); retrying will not help. */
    public static final class Rejected extends RingcacheException {
        private final String reason;

        public Rejected(int shardId, String reason, String message) {
            super(shardId, message, null);
            this.reason = reason;
        }

        /**
         * KEY_TOO_LARGE, VALUE_TOO_LARGE, SHARD_FULL, INVALID_ARGUMENT, or with auth on
         * UNAUTHENTICATED (no or wrong credentials) and PERMISSION_DENIED (no right on the key).
         */
        public String reason() {
            return reason;
        }
    }

    /** The client was closed. */
    public static final class Closed extends RingcacheException {
        public Closed() {
            super(-1, "the ringcache client is closed", null);
        }
    }
}
