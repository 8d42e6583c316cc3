package io.ringcache.shard.core;

import java.util.List;

/**
 * The port through which a splitting shard hands its moving keys to the child.
 *
 * <p>{@link #handOff} is called by {@link ShardEngine} on the apply thread at the split's entry,
 * after the split was checked and before the parent drops the keys, so the parent's state is
 * still whole. The adapter writes the child's starting state ({@link ShardSnapshot#writeChild},
 * or {@link SplitCopy#finish} over a background copy) where the child's replica on
 * this store will load it, and must not return before that state is durable: from the next entry
 * on, the parent's snapshots no longer hold those keys.
 *
 * <p>{@link #prepare} is called at a {@link Command.PrepareSplit}'s entry, on the apply thread: the
 * adapter may start noting the slots' writes ({@link ShardEngine#trackWrites}) and copy the slots
 * in the background, so that {@link #handOff} only finishes that copy instead of visiting the whole store.
 *
 * <p>Neither throws: an adapter that cannot make the state durable stops the process (as a
 * failed Raft log does), and the entry is applied again after the restart.
 */
@FunctionalInterface
public interface SplitHandOff {

    /** Hands nothing over: for replicas that will not host the child, and for tests of the parent alone. */
    SplitHandOff NONE = (split, index, parent) -> null;

    /**
     * @return the keys of the split's slots the parent holds at this entry, when the adapter
     *         learned them while handing over (merging a background copy); null when it did not,
     *         and the engine finds them itself
     */
    List<byte[]> handOff(Command.Split split, long index, ShardEngine parent);

    /** A split of {@code prepare.slots()} was announced at {@code index}; by default nothing is prepared. */
    default void prepare(Command.PrepareSplit prepare, long index, ShardEngine parent) {
    }
}
