package io.ringcache.shard.core;

import java.util.Collection;

/**
 * When the leader of a split's parent proposes the split itself, once it has announced it and its
 * own background copy of the moving slots is written. Pure: the adapter asks the followers' stores
 * how their copies stand and asks this again until it says go.
 *
 * <p>Why the leader waits for followers' copies: a replica applies the split only once its own copy
 * is written, and the child can elect its first leader only once a majority of its replicas has
 * started, which each does when it applies the split. A leader that proposed as soon as its own
 * copy was done, while both followers' copies ran a second longer on the same busy cores, left the
 * moved keys without a shard for that second (bench/RESULTS.md, "Waiting for a follower's copy").
 * So it waits until the copies written, its own included, are a majority of the parent's voters.
 *
 * <p>It does not wait for what cannot come: when no follower is still copying (each has written its
 * copy, or has none and will write its seed at the split's entry by visiting its store), more
 * waiting adds nothing. And never past the deadline, so a follower whose store does not answer
 * costs the split a bounded delay, never the split.
 */
public final class SplitProposal {

    /** A follower's copy of an announced split, as its store answers. */
    public enum FollowerCopy {
        /** Being written, or the follower has not applied the announcement yet. */
        COPYING,
        /** Written: the follower applies the split as soon as it commits. */
        COPIED,
        /** None, and none will come (it failed, or the follower went past the announcement without one). */
        NONE,
        /** Its store did not answer (down, cut off, or slow): it may still be copying. */
        UNKNOWN
    }

    private SplitProposal() {
    }

    /**
     * True when the leader proposes now.
     *
     * @param voters       the parent's voters, the leader among them
     * @param followers    what each other voter's store answered
     * @param pastDeadline the leader has waited as long as it will
     */
    public static boolean proposeNow(int voters, Collection<FollowerCopy> followers, boolean pastDeadline) {
        if (pastDeadline) {
            return true;
        }
        int copied = 1; // the leader's own
        boolean mayStillCome = false;
        for (FollowerCopy f : followers) {
            if (f == FollowerCopy.COPIED) {
                copied++;
            } else if (f == FollowerCopy.COPYING || f == FollowerCopy.UNKNOWN) {
                mayStillCome = true;
            }
        }
        return copied >= voters / 2 + 1 || !mayStillCome;
    }
}
