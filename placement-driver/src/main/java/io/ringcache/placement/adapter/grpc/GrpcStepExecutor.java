package io.ringcache.placement.adapter.grpc;

import io.ringcache.placement.api.StoreChannels;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.StepAction;
import io.ringcache.placement.core.StepExecutor;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.proto.v1.AddShardReplicaRequest;
import io.ringcache.proto.v1.AdminResponse;
import io.ringcache.proto.v1.ChangeShardReplicasRequest;
import io.ringcache.proto.v1.RemoveShardReplicaRequest;
import io.ringcache.proto.v1.ReplicaAddress;
import io.ringcache.proto.v1.StoreAdminGrpc;
import io.ringcache.proto.v1.TransferShardLeaderRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Carries out operator steps by calling the stores' {@code StoreAdmin} service. Calls that must
 * reach a shard's leader try the candidates in order; each call has its own deadline.
 */
public final class GrpcStepExecutor implements StepExecutor {

    private static final long CALL_SECONDS = 30;

    private final StoreChannels channels;

    public GrpcStepExecutor(StoreChannels channels) {
        this.channels = channels;
    }

    /** Runs one call against the stores of {@code map}; throws with the store's reason when it fails. */
    @Override
    public void execute(StepAction action, PartitionMap map) {
        if (action instanceof StepAction.HostReplica h) {
            check(admin(map, h.storeId()).addShardReplica(AddShardReplicaRequest.newBuilder().setShardId(h.shardId())
                    .addAllReplicas(addresses(map, h.voters())).addAllLearners(addresses(map, h.learners())).build()),
                    "host shard " + h.shardId() + " on " + h.storeId());
        } else if (action instanceof StepAction.DropReplica d) {
            check(admin(map, d.storeId()).removeShardReplica(RemoveShardReplicaRequest.newBuilder()
                    .setShardId(d.shardId()).build()), "drop shard " + d.shardId() + " on " + d.storeId());
        } else if (action instanceof StepAction.ChangeMembership c) {
            ChangeShardReplicasRequest request = ChangeShardReplicasRequest.newBuilder().setShardId(c.shardId())
                    .addAllReplicas(addresses(map, c.voters())).addAllLearners(addresses(map, c.learners())).build();
            onLeader(c.candidates(), "change the members of shard " + c.shardId() + " to " + c.voters()
                    + (c.learners().isEmpty() ? "" : " + learners " + c.learners()),
                    store -> admin(map, store).changeShardReplicas(request));
        } else if (action instanceof StepAction.TransferLeader t) {
            TransferShardLeaderRequest request = TransferShardLeaderRequest.newBuilder().setShardId(t.shardId())
                    .setToStoreId(t.to()).build();
            onLeader(t.candidates(), "transfer shard " + t.shardId() + " leadership to " + t.to(),
                    store -> admin(map, store).transferShardLeader(request));
        } else if (action instanceof StepAction.SplitShard x) {
            io.ringcache.proto.v1.SplitShardRequest request = splitRequest(x);
            onLeader(x.candidates(), "split shard " + x.shardId() + " into shard " + x.childShard(), store -> {
                io.ringcache.proto.v1.SplitShardResponse r = admin(map, store).splitShard(request);
                return r.hasError() ? AdminResponse.newBuilder().setError(r.getError()).build()
                        : AdminResponse.getDefaultInstance();
            });
        }
    }

    /** The store call for a planned split: the moving slots as words of a bit set. */
    static io.ringcache.proto.v1.SplitShardRequest splitRequest(StepAction.SplitShard x) {
        long[] words = new long[Math.max(1, (1 << x.slotBits()) >>> 6)];
        for (int slot : x.movingSlots()) {
            words[slot >>> 6] |= 1L << slot;
        }
        io.ringcache.proto.v1.SplitShardRequest.Builder b = io.ringcache.proto.v1.SplitShardRequest.newBuilder()
                .setShardId(x.shardId()).setChildShardId(x.childShard()).setSlotBits(x.slotBits())
                .addAllExpectedVoters(x.voters());
        for (long w : words) {
            b.addSlotWords(w);
        }
        return b.build();
    }

    private interface AdminCall {
        AdminResponse call(String store);
    }

    private void onLeader(List<String> candidates, String what, AdminCall call) {
        List<String> failures = new ArrayList<>();
        for (String store : candidates) {
            try {
                AdminResponse r = call.call(store);
                if (!r.hasError()) {
                    return;
                }
                failures.add(store + ": " + describe(r));
            } catch (RuntimeException e) {
                failures.add(store + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException(what + " failed on every candidate " + failures);
    }

    private StoreAdminGrpc.StoreAdminBlockingStub admin(PartitionMap map, String storeId) {
        StoreInfo store = map.store(storeId).orElseThrow(() -> new IllegalStateException("no store " + storeId));
        return StoreAdminGrpc.newBlockingStub(channels.to(store.grpcAddress())).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
    }

    private static List<ReplicaAddress> addresses(PartitionMap map, List<String> stores) {
        List<ReplicaAddress> out = new ArrayList<>();
        for (String id : stores) {
            StoreInfo s = map.store(id).orElseThrow(() -> new IllegalStateException("no store " + id));
            out.add(ReplicaAddress.newBuilder().setStoreId(s.id()).setRaftAddress(s.raftAddress()).build());
        }
        return out;
    }

    private static void check(AdminResponse response, String what) {
        if (response.hasError()) {
            throw new IllegalStateException(what + " failed: " + describe(response));
        }
    }

    private static String describe(AdminResponse r) {
        var e = r.getError();
        switch (e.getKindCase()) {
            case NOT_LEADER: return "not the leader (leader: " + e.getNotLeader().getLeaderStoreId() + ")";
            case INVALID_ARGUMENT: return e.getInvalidArgument().getMessage();
            case UNAVAILABLE: return e.getUnavailable().getMessage();
            default: return e.toString().trim();
        }
    }
}
