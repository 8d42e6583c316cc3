package io.ringcache.shard.adapter.ratis;

import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;

/**
 * The mapping between shard ids and Ratis group ids: a shard's group id is the UUID whose high
 * half spells "ringcach" in ASCII and whose low half is the shard id. Every store derives the same
 * group id for a shard without coordination, and the group folder on disk names its shard.
 */
public final class ShardGroups {

    private static final long MARK = 0x72696E6763616368L;

    private ShardGroups() {
    }

    public static RaftGroupId groupId(int shardId) {
        if (shardId < 0) {
            throw new IllegalArgumentException("negative shard id " + shardId);
        }
        return RaftGroupId.valueOf(new UUID(MARK, shardId));
    }

    /** The shard of a ringcache group id; IllegalArgumentException for any other group. */
    public static int shardId(RaftGroupId groupId) {
        UUID uuid = groupId.getUuid();
        long low = uuid.getLeastSignificantBits();
        if (uuid.getMostSignificantBits() != MARK || low < 0 || low > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a ringcache shard group: " + groupId);
        }
        return (int) low;
    }
}
