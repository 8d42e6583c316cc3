package io.ringcache.shard.core;

import static io.ringcache.shard.core.SplitProposal.FollowerCopy.COPIED;
import static io.ringcache.shard.core.SplitProposal.FollowerCopy.COPYING;
import static io.ringcache.shard.core.SplitProposal.FollowerCopy.NONE;
import static io.ringcache.shard.core.SplitProposal.FollowerCopy.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.SplitProposal.FollowerCopy;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SplitProposalTest {

    @Test
    void threeVotersWaitForOneFollowersCopy() {
        assertFalse(SplitProposal.proposeNow(3, List.of(COPYING, COPYING), false));
        assertFalse(SplitProposal.proposeNow(3, List.of(COPYING, UNKNOWN), false));
        assertTrue(SplitProposal.proposeNow(3, List.of(COPIED, COPYING), false));
        assertTrue(SplitProposal.proposeNow(3, List.of(UNKNOWN, COPIED), false));
    }

    @Test
    void fiveVotersWaitForTwo() {
        assertFalse(SplitProposal.proposeNow(5, List.of(COPIED, COPYING, COPYING, NONE), false));
        assertTrue(SplitProposal.proposeNow(5, List.of(COPIED, COPYING, COPIED, NONE), false));
    }

    @Test
    void aLoneReplicaProposesAtOnce() {
        assertTrue(SplitProposal.proposeNow(1, List.of(), false));
    }

    @Test
    void followersWithoutACopyAreNotWaitedFor() {
        assertTrue(SplitProposal.proposeNow(3, List.of(NONE, NONE), false));
        assertTrue(SplitProposal.proposeNow(5, List.of(NONE, COPIED, NONE, NONE), false));
    }

    @Test
    void aFollowerThatDoesNotAnswerIsWaitedForUntilTheDeadline() {
        assertFalse(SplitProposal.proposeNow(3, List.of(UNKNOWN, NONE), false));
        assertTrue(SplitProposal.proposeNow(3, List.of(UNKNOWN, NONE), true));
    }

    /**
     * Against the rule in words: go at the deadline; otherwise go exactly when the copies written
     * (the leader's and the followers' COPIED) are a majority, or no follower may still copy.
     */
    @Property
    void proposesExactlyWhenWaitingCannotHelpOrAMajorityCopied(@ForAll @Size(max = 6) List<FollowerCopy> followers,
                                                              @ForAll boolean pastDeadline) {
        int voters = followers.size() + 1;
        long copied = 1 + followers.stream().filter(f -> f == COPIED).count();
        boolean pending = followers.stream().anyMatch(f -> f == COPYING || f == UNKNOWN);
        boolean expected = pastDeadline || copied * 2 > voters || !pending;
        if (expected != SplitProposal.proposeNow(voters, followers, pastDeadline)) {
            throw new AssertionError(followers + " past deadline " + pastDeadline + ": expected " + expected);
        }
    }
}
