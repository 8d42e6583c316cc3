package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.adapter.ratis.ShardGroupHost.Role;
import org.apache.ratis.server.DivisionInfo;

/** What a host reads of one of its Raft divisions, converted from Ratis' terms to the host's. */
final class DivisionStates {

    private DivisionStates() {
    }

    /** The current term when the division leads; -1 otherwise. */
    static long leaderTerm(DivisionInfo info) {
        return info.isLeader() ? info.getCurrentTerm() : -1L;
    }

    static Role role(DivisionInfo info) {
        if (info.getCurrentRole() == null) {
            // A replica still starting has no role yet: not a leader, so requests are routed on.
            return Role.CANDIDATE;
        }
        return switch (info.getCurrentRole()) {
            case LEADER -> Role.LEADER;
            case FOLLOWER -> Role.FOLLOWER;
            case CANDIDATE -> Role.CANDIDATE;
            default -> Role.LISTENER;
        };
    }

    /** The last applied index; -1 while the division starts (Ratis' "stateMachineUpdater is uninitialized"). */
    static long appliedIndex(DivisionInfo info) {
        try {
            return info.getLastAppliedIndex();
        } catch (IllegalStateException starting) {
            return -1L;
        }
    }
}
