package io.ringcache.node.core;

import io.ringcache.shard.core.HotKeys;
import java.util.List;

/**
 * The most read keys of one shard replica on this store, most read first.
 *
 * @param leader whether this store leads the shard (linearizable reads are served by the leader,
 *               so its figures are the shard's; a follower's count only the stale reads it served)
 */
public record ShardHotKeys(int shard, boolean leader, List<HotKeys.HotKey> keys) {
}
