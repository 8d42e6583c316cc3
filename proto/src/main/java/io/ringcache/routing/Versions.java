package io.ringcache.routing;

/**
 * The layout of a value's version, shared by stores and clients: the log index of the shard entry
 * that wrote the value and the write's ordinal within that entry (group commit puts many writes in
 * one entry). Versions of one shard grow strictly with every write, so compare-and-set by version
 * has no ABA, and a client learns from a version which log index a near-cache entry reflects.
 *
 * <pre>
 *  63                                            16 15              0
 *  +-----------------------------------------------+-----------------+
 *  |            log index of the entry             |  ordinal (0..)  |
 *  +-----------------------------------------------+-----------------+
 * </pre>
 */
public final class Versions {

    /** Bits of the ordinal: an entry holds at most 2^16 - 1 writes. */
    public static final int ORDINAL_BITS = 16;

    private Versions() {
    }

    /** The version of the {@code ordinal}-th write of entry {@code index}. */
    public static long of(long index, int ordinal) {
        return (index << ORDINAL_BITS) | ordinal;
    }

    /** The log index of the entry that wrote {@code version}. */
    public static long indexOf(long version) {
        return version >>> ORDINAL_BITS;
    }
}
