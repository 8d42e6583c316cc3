package io.ringcache.node.adapter.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.ringcache.node.core.CurrentMap;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.proto.v1.SplitCopyStateRequest;
import io.ringcache.proto.v1.SplitCopyStateResponse;
import io.ringcache.proto.v1.StoreAdminGrpc;
import io.ringcache.shard.adapter.ratis.PeerSplitCopies;
import io.ringcache.shard.core.SplitProposal.FollowerCopy;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A split's parent leader asks another replica's store how its copy stands, over that store's
 * {@code StoreAdmin/SplitCopyState} (member-only, as every store-to-store call), at the address this
 * store's map gives for the replica's store id.
 */
public final class GrpcPeerSplitCopies implements PeerSplitCopies {

    /** One question's deadline; the leader asks again every 20 ms meanwhile, and takes no answer for UNKNOWN. */
    static final long DEADLINE_MILLIS = 500;

    private final CurrentMap map;
    private final StoreChannels channels;

    public GrpcPeerSplitCopies(CurrentMap map, StoreChannels channels) {
        this.map = map;
        this.channels = channels;
    }

    @Override
    public CompletableFuture<FollowerCopy> state(String peerId, int parent, int child, long announcedIndex) {
        Optional<String> address = map.get().flatMap(m -> m.store(peerId)).map(StoreInfo::grpcAddress).filter(a -> !a.isEmpty());
        if (address.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("this store's map has no address for store " + peerId));
        }
        SplitCopyStateRequest request = SplitCopyStateRequest.newBuilder().setShardId(parent).setChildShardId(child)
                .setAnnouncedIndex(announcedIndex).build();
        CompletableFuture<FollowerCopy> out = new CompletableFuture<>();
        Futures.addCallback(StoreAdminGrpc.newFutureStub(channels.to(address.get()))
                .withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS).splitCopyState(request), new FutureCallback<>() {
                    @Override
                    public void onSuccess(SplitCopyStateResponse r) {
                        out.complete(fromProto(r.getState()));
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        out.completeExceptionally(t);
                    }
                }, MoreExecutors.directExecutor());
        return out;
    }

    /** The wire's answer as the leader's rule reads it. */
    static FollowerCopy fromProto(SplitCopyStateResponse.State state) {
        return switch (state) {
            case COPYING -> FollowerCopy.COPYING;
            case COPIED -> FollowerCopy.COPIED;
            case NONE -> FollowerCopy.NONE;
            // A newer store's answer this one does not know: it may still be copying.
            case UNRECOGNIZED -> FollowerCopy.UNKNOWN;
        };
    }

    /** This store's answer on the wire ({@code StoreAdminService}); a store always knows its own copy, so never UNKNOWN. */
    static SplitCopyStateResponse.State toProto(FollowerCopy state) {
        return switch (state) {
            case COPYING -> SplitCopyStateResponse.State.COPYING;
            case COPIED -> SplitCopyStateResponse.State.COPIED;
            case NONE, UNKNOWN -> SplitCopyStateResponse.State.NONE;
        };
    }
}
