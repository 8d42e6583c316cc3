package io.ringcache.shard.adapter.ratis;

import java.util.List;

/**
 * Observes what one hosted shard replica applies ({@link ShardGroupHost#addApplyListener}). Every
 * replica applies every committed entry in log order, so any replica can tell its observers which
 * keys each write changed: the basis of near-cache invalidation.
 *
 * <p>Calls come on the shard's apply thread, one at a time and in log order, after the replica's
 * applied index has advanced to the entry. They must be quick and must not block (hand off to
 * another thread); whatever they throw is logged and ignored, never fails the apply.
 */
public interface ShardApplyListener {

    /**
     * Entry {@code index} changed {@code keys} (never empty; a key may repeat). The list is reused
     * after the call returns; the arrays in it are never modified, so they may be kept (unmodified).
     * Entries that changed nothing are not reported.
     */
    void applied(int shardId, long index, List<byte[]> keys);

    /**
     * The replica's whole state was replaced (a snapshot loaded or installed from the leader,
     * through log index {@code index}): any key may have changed, and changes up to {@code index}
     * are not reported one by one.
     */
    void reset(int shardId, long index);

    /**
     * The replica stopped: the shard was removed from this store, or the host is closing. No call
     * follows; the listener is already unregistered.
     */
    void stopped(int shardId);
}
