package io.ringcache.shard.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a shard does when a write needs room its memory budget does not have, with Redis'
 * {@code maxmemory-policy} names and meanings:
 * <ul>
 *   <li>{@code noeviction}: the write is refused ({@link ShardError#RESOURCE_EXHAUSTED}).</li>
 *   <li>{@code allkeys-*}: any key may be evicted; {@code volatile-*}: only keys with an expiry.
 *       With no such key left the write is refused, as under {@code noeviction}.</li>
 *   <li>{@code *-lru}: the key idle longest; {@code *-lfu}: the key used least often (Redis'
 *       logarithmic counter that decays with time, {@link KeyAccess}); {@code *-random}: any;
 *       {@code volatile-ttl}: the key that would expire soonest.</li>
 * </ul>
 * The choice is approximate, from a sample, as Redis' is ({@link EvictionPlanner}).
 */
public enum EvictionPolicy {
    NOEVICTION("noeviction", Rank.NONE, false),
    ALLKEYS_LRU("allkeys-lru", Rank.IDLE, false),
    ALLKEYS_LFU("allkeys-lfu", Rank.FREQUENCY, false),
    ALLKEYS_RANDOM("allkeys-random", Rank.RANDOM, false),
    VOLATILE_LRU("volatile-lru", Rank.IDLE, true),
    VOLATILE_LFU("volatile-lfu", Rank.FREQUENCY, true),
    VOLATILE_RANDOM("volatile-random", Rank.RANDOM, true),
    VOLATILE_TTL("volatile-ttl", Rank.EXPIRY, true);

    /** How victims are ranked. */
    enum Rank { NONE, IDLE, FREQUENCY, RANDOM, EXPIRY }

    private final String redisName;
    private final Rank rank;
    private final boolean volatileOnly;

    EvictionPolicy(String redisName, Rank rank, boolean volatileOnly) {
        this.redisName = redisName;
        this.rank = rank;
        this.volatileOnly = volatileOnly;
    }

    /** The policy's name as Redis spells it ({@code allkeys-lru}). */
    public String redisName() {
        return redisName;
    }

    /** False only for {@code noeviction}. */
    public boolean evicts() {
        return rank != Rank.NONE;
    }

    /** Only keys with an expiry may be evicted. */
    public boolean volatileOnly() {
        return volatileOnly;
    }

    Rank rank() {
        return rank;
    }

    /**
     * The policy named {@code name}, as Redis spells it; case and {@code _} for {@code -} are
     * forgiven ({@code ALLKEYS_LRU}).
     *
     * @throws IllegalArgumentException naming every accepted name
     */
    public static EvictionPolicy parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (EvictionPolicy p : values()) {
            if (p.redisName.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown eviction policy '" + name + "'; one of: " + names());
    }

    /** Every policy's name, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(EvictionPolicy::redisName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return redisName;
    }
}
