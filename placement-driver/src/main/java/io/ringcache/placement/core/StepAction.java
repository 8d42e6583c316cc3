package io.ringcache.placement.core;

import java.util.List;

/**
 * One call the PD leader makes to the stores to carry out an operator step. All are idempotent:
 * a new PD leader may repeat the last step of an operator its predecessor was running.
 */
public sealed interface StepAction {

    int shardId();

    /** Have {@code storeId} host a replica of the shard, in a group of these voters and learners. */
    record HostReplica(int shardId, String storeId, List<String> voters, List<String> learners) implements StepAction {
    }

    /**
     * Have the shard's leader (tried in the order of {@code candidates}) commit this membership.
     */
    record ChangeMembership(int shardId, List<String> candidates, List<String> voters, List<String> learners)
            implements StepAction {
    }

    /** Have {@code storeId} stop hosting the shard and delete its replica. */
    record DropReplica(int shardId, String storeId) implements StepAction {
    }

    /**
     * Have the shard's leader (tried in the order of {@code candidates}) split it: the keys of
     * {@code movingSlots} (indices among {@code 2^slotBits} equal slots) go to a new shard
     * {@code childShard} with the same voters, which must be {@code voters}.
     */
    record SplitShard(int shardId, List<String> candidates, int childShard, List<String> voters, int slotBits,
                      int[] movingSlots) implements StepAction {
    }

    /** Have the shard's leader (tried in the order of {@code candidates}) hand leadership to {@code to}. */
    record TransferLeader(int shardId, List<String> candidates, String to) implements StepAction {
    }
}
