package io.ringcache.shard.core;

/**
 * Receives, during {@link ShardEngine#apply(long, CommandBatch, ChangedKeys)}, each key the entry
 * changed, on the apply thread, in apply order. The array is the decoded command's own key: it is
 * never modified afterwards, so a receiver may keep it, but must not modify it.
 */
@FunctionalInterface
public interface ChangedKeys {

    void changed(byte[] key);
}
