package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.SplitProposal.FollowerCopy;
import java.util.concurrent.CompletableFuture;

/**
 * Asks another replica's store how its copy of an announced split stands: what the parent's leader
 * needs to propose the split once a majority has its copy written
 * ({@link io.ringcache.shard.core.SplitProposal}). Ratis carries no messages of ringcache's own
 * between replicas, so the store that hosts this host answers it over its own RPC
 * ({@link ShardGroupHost#splitCopyState} on the asked store). Set with
 * {@link ShardGroupHost#peerSplitCopiesThrough}; without one the leader proposes as soon as its own
 * copy is written.
 */
@FunctionalInterface
public interface PeerSplitCopies {

    /**
     * How the copy of the split of {@code parent} into {@code child}, announced at log index
     * {@code announcedIndex}, stands on replica {@code peerId}. May complete exceptionally (the store
     * does not answer): the caller takes that for {@link FollowerCopy#UNKNOWN}.
     */
    CompletableFuture<FollowerCopy> state(String peerId, int parent, int child, long announcedIndex);
}
