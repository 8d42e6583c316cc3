package io.ringcache.placement.core;

import io.ringcache.routing.TokenPlanner;

/**
 * What a split would do now: the new shard's id (the next free one), how many of the ring's slots
 * move to it, and the parent's share of the hash space before and after, the child's after.
 */
public record SplitPreview(int childShard, int movingSlots, int ringSlots, double parentShareBefore,
                           double parentShareAfter, double childShare) {

    /** The plan for splitting {@code shardId} against {@code map}'s ring. */
    static SplitPreview of(PartitionMap map, int shardId) {
        int child = OperatorSteps.nextShardId(map);
        TokenPlanner.SplitPlan plan = TokenPlanner.planSplit(map.ring(), shardId, child);
        return new SplitPreview(child, plan.movingSlots().length, plan.ring().size(),
                map.ring().shares().getOrDefault(shardId, 0.0), plan.ring().shares().getOrDefault(shardId, 0.0),
                plan.ring().shares().getOrDefault(child, 0.0));
    }
}
