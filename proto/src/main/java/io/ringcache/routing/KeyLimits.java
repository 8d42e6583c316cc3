package io.ringcache.routing;

/**
 * The key-size bound every store enforces, here in the shared contract so a client can refuse an
 * oversized key itself. A store refuses a BatchPut or BatchGet with one oversized key as a whole,
 * so a client that coalesces callers' requests must never send one.
 */
public final class KeyLimits {

    /** The longest key a store accepts, in bytes. */
    public static final int MAX_KEY_BYTES = 4096;

    private KeyLimits() {
    }
}
