package io.ringcache.client;

import java.time.Duration;

/**
 * How a read may be served.
 * <ul>
 *   <li>{@link #linearizable()} (the default): by the shard's leader after confirming it still
 *       leads; sees every write acknowledged before the read began.</li>
 *   <li>{@link #follower()}: linearizable too, but served by a follower after a ReadIndex round
 *       with the leader; spreads a hot key's reads over its replicas.</li>
 *   <li>{@link #stale(Duration)}: any replica, possibly behind by at most the given bound; the
 *       cheapest read. The near cache (when enabled) also serves only stale reads.</li>
 * </ul>
 */
public record ReadOptions(Consistency consistency, Duration maxStaleness) {

    public enum Consistency { LINEARIZABLE, FOLLOWER, STALE }

    private static final ReadOptions LINEARIZABLE = new ReadOptions(Consistency.LINEARIZABLE, Duration.ZERO);
    private static final ReadOptions FOLLOWER = new ReadOptions(Consistency.FOLLOWER, Duration.ZERO);

    public ReadOptions {
        if (maxStaleness == null || maxStaleness.isNegative()) {
            throw new IllegalArgumentException("maxStaleness must be zero or positive");
        }
    }

    public static ReadOptions linearizable() {
        return LINEARIZABLE;
    }

    public static ReadOptions follower() {
        return FOLLOWER;
    }

    public static ReadOptions stale(Duration maxStaleness) {
        return new ReadOptions(Consistency.STALE, maxStaleness);
    }
}
