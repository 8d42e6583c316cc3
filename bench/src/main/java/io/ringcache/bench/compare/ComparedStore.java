package io.ringcache.bench.compare;

import io.ringcache.bench.LoadLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One system under comparison, as the load loop and the load phase see it: single-key reads and
 * updates ({@link LoadLoop.Target}) plus multi-key reads and updates sent as one operation
 * (each binding's natural batch; see the implementations for what that is on the wire).
 *
 * <p>Reads must be linearizable where the system offers it; a read of an absent key is not an
 * error but is counted in {@link #misses()}, so a run over keys that were never loaded shows.
 * Futures complete on any thread and, for every binding, within the binding's request timeout.
 */
public interface ComparedStore extends LoadLoop.Target, AutoCloseable {

    /** Short lower-case name used in tables ("ringcache", "etcd", "redis"). */
    String name();

    /** Reads every key in one operation; {@code keys} are distinct. */
    CompletableFuture<?> readAll(List<byte[]> keys);

    /** Writes {@code value} under every key in one operation; {@code keys} are distinct. */
    CompletableFuture<?> updateAll(List<byte[]> keys, byte[] value);

    /** The most keys one {@link #updateAll} may carry (etcd caps operations per Txn). */
    default int maxBatch() {
        return Integer.MAX_VALUE;
    }

    /** Keys read and found absent since the store was opened. */
    long misses();

    @Override
    void close();
}
