package io.ringcache.shard.core;

/**
 * The port through which a splitting shard hands its moving keys to the child: called by
 * {@link ShardEngine} on the apply thread at the split's entry, after the split was checked and
 * before the parent drops the keys, so the parent's state is still whole. The adapter writes the
 * child's starting state ({@link ShardSnapshot#writeChild}) where the child's replica on this
 * store will load it, and must not return before that state is durable: from the next entry on,
 * the parent's snapshots no longer hold those keys.
 *
 * <p>It never throws: an adapter that cannot make the state durable stops the process (as a
 * failed Raft log does), and the entry is applied again after the restart.
 */
@FunctionalInterface
public interface SplitHandOff {

    /** Hands nothing over: for replicas that will not host the child, and for tests of the parent alone. */
    SplitHandOff NONE = (split, index, parent) -> { };

    void handOff(Command.Split split, long index, ShardEngine parent);
}
