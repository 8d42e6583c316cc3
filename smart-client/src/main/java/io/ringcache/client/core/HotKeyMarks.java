package io.ringcache.client.core;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys stores told this client are hot (a Get reply's {@code hot} flag: the key is among the
 * most read of the replica that answered). The client uses the marks two ways: its hot-key near
 * cache keeps stale-allowed reads of marked keys in this process ({@code NearReads}), and, when
 * turned on, it sends linearizable reads of marked keys to any replica as follower reads (a
 * ReadIndex round with the leader, then the follower's state: still linearizable, but spread over
 * the shard's replicas instead of all on its leader).
 *
 * <p>A mark holds for {@link #HOLD_NANOS} and is renewed by every reply that marks the key again;
 * at most {@link #MAX_KEYS} keys are held (a new key finds room once expired marks are dropped,
 * else it is not held). No clock of its own: callers pass {@code System.nanoTime()}.
 */
public final class HotKeyMarks {

    /** How long a mark holds without a reply renewing it. */
    public static final long HOLD_NANOS = 10_000_000_000L;
    /** Keys held at most. */
    public static final int MAX_KEYS = 1_024;

    private final Map<ByteBuffer, Long> until = new ConcurrentHashMap<>();

    /** A reply marked {@code key} hot at {@code nowNanos}. */
    public void marked(byte[] key, long nowNanos) {
        ByteBuffer id = ByteBuffer.wrap(key.clone());
        if (until.size() >= MAX_KEYS && !until.containsKey(id)) {
            until.values().removeIf(t -> t - nowNanos < 0);
            if (until.size() >= MAX_KEYS) {
                return;
            }
        }
        until.put(id, nowNanos + HOLD_NANOS);
    }

    /** Whether {@code key} is held hot at {@code nowNanos}; allocation-free while no key is held. */
    public boolean isHot(byte[] key, long nowNanos) {
        if (until.isEmpty()) {
            return false;
        }
        ByteBuffer id = ByteBuffer.wrap(key);
        Long t = until.get(id);
        if (t == null) {
            return false;
        }
        if (t - nowNanos < 0) {
            until.remove(id, t);
            return false;
        }
        return true;
    }

    /** Keys held (for tests and metrics). */
    public int size() {
        return until.size();
    }
}
