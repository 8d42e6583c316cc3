package io.ringcache.bench;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.core.ShardStore;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * Makes the store adapter a benchmark names: {@code heap} ({@link HeapShardStore}) or
 * {@code chronicle} (the off-heap {@code ChronicleShardStore}). The off-heap adapter is loaded
 * reflectively so the benchmarks build and run (heap only) against a raft-groups jar that does
 * not have it yet.
 */
final class Stores {

    static final String HEAP = "heap";
    static final String CHRONICLE = "chronicle";
    static final String CHRONICLE_CLASS = "io.ringcache.shard.adapter.chronicle.ChronicleShardStore";

    private Stores() {
    }

    static boolean chronicleAvailable() {
        try {
            Class.forName(CHRONICLE_CLASS, false, Stores.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static String chronicleMissingMessage() {
        return CHRONICLE_CLASS + " is not on the classpath (the installed ringcache-raft-groups jar does not"
                + " have it yet): the chronicle variant is skipped";
    }

    /**
     * A new store of the given kind, sized for {@code entries} entries of the given key and value
     * lengths. The off-heap store gets twice the logical bytes as its budget, so sizing never
     * limits a benchmark.
     */
    static ShardStore create(String kind, long entries, int keyBytes, int valueBytes) {
        return create(kind, entries, keyBytes, valueBytes, 2);
    }

    /** As above, with a budget of {@code budgetFactor} times the entries' logical bytes. */
    static ShardStore create(String kind, long entries, int keyBytes, int valueBytes, int budgetFactor) {
        switch (kind) {
            case HEAP:
                return new HeapShardStore();
            case CHRONICLE:
                return chronicle(budgetFactor * entries * ShardStore.chargeOf(keyBytes, valueBytes),
                        keyBytes, valueBytes);
            default:
                throw new IllegalArgumentException("unknown store '" + kind + "' (heap or chronicle)");
        }
    }

    private static ShardStore chronicle(long budgetBytes, int keyBytes, int valueBytes) {
        Class<?> type;
        try {
            type = Class.forName(CHRONICLE_CLASS);
        } catch (ClassNotFoundException e) {
            throw new UnsupportedOperationException(chronicleMissingMessage(), e);
        }
        try {
            Constructor<?> c = type.getConstructor(long.class, int.class, int.class);
            return (ShardStore) c.newInstance(budgetBytes, keyBytes, valueBytes);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("ChronicleShardStore(" + budgetBytes + ", " + keyBytes + ", "
                    + valueBytes + ") failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ChronicleShardStore has no (long, int, int) constructor", e);
        }
    }
}
