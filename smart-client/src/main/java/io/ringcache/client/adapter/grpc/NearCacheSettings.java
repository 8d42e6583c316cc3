package io.ringcache.client.adapter.grpc;

import java.time.Duration;

/**
 * What a client's near cache holds ({@link NearReads}).
 *
 * @param maxEntries  the most entries held
 * @param maxBytes    the most bytes held (keys, values and per-entry overhead)
 * @param staleness   how long after its read an entry may be returned (a read's own bound can only shorten it)
 * @param hotKeysOnly only keys the stores marked hot, rather than every stale read
 */
public record NearCacheSettings(int maxEntries, long maxBytes, Duration staleness, boolean hotKeysOnly) {

    public NearCacheSettings {
        if (maxEntries < 1 || maxBytes < 1 || staleness.isNegative() || staleness.isZero()) {
            throw new IllegalArgumentException("the near cache needs positive entries, bytes and staleness bound");
        }
    }
}
