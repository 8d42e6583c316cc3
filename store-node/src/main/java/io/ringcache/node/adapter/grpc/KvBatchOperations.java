package io.ringcache.node.adapter.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.KvRequests;
import io.ringcache.node.core.Routing;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KeyValueWrite;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.ResponseHeader;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ShardLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * BatchGet and BatchPut over any keys: split by shard, each shard's part one request on the
 * request path (a BatchPut part is one atomic command of its shard), results put back in request
 * order. A failed shard fails only its own keys. A batch whose keys all belong to one shard (what
 * a store's coalesced forward sends) is answered with that shard's header, so the caller learns
 * the applied index and epoch it was served at.
 */
final class KvBatchOperations {

    /**
     * Every key's answer while this store has no partition map (it just started): nothing was
     * applied, so any caller may send it again, as the single-key calls answer through the
     * request path. A failed call instead would read as possibly applied.
     */
    private static final ShardOutcome NO_MAP =
            new ShardOutcome.Failed(new KvFailure.Unavailable(0, "this store has no partition map yet", true));

    private final KvRequests requests;
    private final ShardLimits limits;
    private final io.ringcache.shard.adapter.ratis.ShardGroupHost host;

    private final GrpcKeyRights rights;

    KvBatchOperations(KvRequests requests, ShardLimits limits, io.ringcache.shard.adapter.ratis.ShardGroupHost host,
                      GrpcKeyRights rights) {
        this.rights = rights;
        this.requests = requests;
        this.limits = limits;
        this.host = host;
    }

    void batchGet(BatchGetRequest r, StreamObserver<BatchGetResponse> out) {
        if (!validKeys(r.getKeysList(), out)) {
            return;
        }
        if (!rights.signedIn(out)) {
            return;
        }
        PartitionMap map = requests.map().orElse(null);
        if (map == null) {
            KvService.reply(out, KvProtos.batchGet(NO_MAP, r.getKeysCount()));
            return;
        }
        Routing routing = KvService.routing(r.getHeader());
        GetResponse[] results = new GetResponse[r.getKeysCount()];
        ResponseHeader[] header = new ResponseHeader[1];
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> part : byShard(map, r.getKeysList()).entrySet()) {
            List<Integer> positions = new ArrayList<>(part.getValue().size());
            List<byte[]> keys = new ArrayList<>(positions.size());
            for (int p : part.getValue()) {
                byte[] key = r.getKeys(p).toByteArray();
                KvFailure denied = rights.refusal(new ShardOp.Read(new Query.Get(key), io.ringcache.node.core.Consistency.STALE));
                if (denied != null) {
                    // Only this key is refused: a coalesced batch may carry keys others may read.
                    results[p] = GetResponse.newBuilder().setError(KvErrors.toProto(denied)).build();
                    continue;
                }
                positions.add(p);
                keys.add(key);
            }
            if (keys.isEmpty()) {
                continue;
            }
            ShardOp op = new ShardOp.Read(new Query.BatchGet(keys), KvProtos.consistency(r.getHeader().getConsistency()));
            parts.add(requests.submitToShard(part.getKey(), op, routing).thenAccept(outcome -> {
                BatchGetResponse response = KvProtos.batchGet(outcome, positions.size());
                header[0] = response.getHeader();
                io.ringcache.shard.core.HotKeys hotKeys = KvService.hotKeysOf(outcome, host); // once per part
                for (int i = 0; i < positions.size(); i++) {
                    results[positions.get(i)] = KvService.markHot(response.getResults(i), hotKeys, keys.get(i));
                }
            }));
        }
        CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).whenComplete((v, error) -> {
            BatchGetResponse.Builder b = BatchGetResponse.newBuilder();
            if (parts.size() == 1 && header[0] != null) {
                b.setHeader(header[0]);
            }
            for (GetResponse g : results) {
                b.addResults(g != null ? g : GetResponse.newBuilder().setError(KvErrors.unavailable(0, "no reply")).build());
            }
            KvService.reply(out, b.build());
        });
    }

    void batchPut(BatchPutRequest r, StreamObserver<BatchPutResponse> out) {
        List<ByteString> allKeys = new ArrayList<>();
        for (KeyValueWrite w : r.getEntriesList()) {
            if (w.getTtlMs() < 0) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("ttl_ms must not be negative").asException());
                return;
            }
            allKeys.add(w.getKey());
        }
        if (!validKeys(allKeys, out)) {
            return;
        }
        if (!rights.signedIn(out)) {
            return;
        }
        PartitionMap map = requests.map().orElse(null);
        if (map == null) {
            KvService.reply(out, KvProtos.batchPut(NO_MAP, r.getEntriesCount()));
            return;
        }
        Routing routing = KvService.routing(r.getHeader());
        PutResponse[] results = new PutResponse[r.getEntriesCount()];
        ResponseHeader[] header = new ResponseHeader[1];
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> part : byShard(map, allKeys).entrySet()) {
            List<Integer> positions = new ArrayList<>();
            List<Command.Put> puts = new ArrayList<>();
            int bytes = 0;
            for (int p : part.getValue()) {
                KeyValueWrite w = r.getEntries(p);
                KvFailure denied = rights.refusal(new ShardOp.Write(new Command.Delete(w.getKey().toByteArray()), 0));
                if (denied != null) {
                    // Refused like an oversized value: this entry only, nothing written for it.
                    results[p] = PutResponse.newBuilder().setError(KvErrors.toProto(denied)).build();
                    continue;
                }
                if (w.getValue().size() > limits.maxValueBytes()) {
                    // Only this entry is refused: a coalesced batch carries other callers' writes too.
                    results[p] = PutResponse.newBuilder()
                            .setError(KvErrors.valueTooLarge(w.getValue().size(), limits.maxValueBytes())).build();
                    continue;
                }
                positions.add(p);
                puts.add(new Command.Put(w.getKey().toByteArray(), w.getValue().toByteArray(), w.getTtlMs()));
                bytes += w.getSerializedSize();
            }
            if (puts.isEmpty()) {
                continue;
            }
            ShardOp op = new ShardOp.Write(KvService.tagged(r.getHeader(), new Command.BatchPut(puts)), bytes);
            parts.add(requests.submitToShard(part.getKey(), op, routing).thenAccept(outcome -> {
                BatchPutResponse response = KvProtos.batchPut(outcome, positions.size());
                header[0] = response.getHeader();
                for (int i = 0; i < positions.size(); i++) {
                    results[positions.get(i)] = response.getResults(i);
                }
            }));
        }
        CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).whenComplete((v, error) -> {
            BatchPutResponse.Builder b = BatchPutResponse.newBuilder();
            if (parts.size() == 1 && header[0] != null) {
                b.setHeader(header[0]);
            }
            for (PutResponse p : results) {
                b.addResults(p != null ? p : PutResponse.newBuilder().setError(KvErrors.unavailable(0, "no reply")).build());
            }
            KvService.reply(out, b.build());
        });
    }

    /** Request positions grouped by the shard of their key. */
    private static Map<Integer, List<Integer>> byShard(PartitionMap map, List<ByteString> keys) {
        Map<Integer, List<Integer>> out = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.computeIfAbsent(map.ring().shardForKey(keys.get(i).toByteArray()), s -> new ArrayList<>()).add(i);
        }
        return out;
    }

    private boolean validKeys(List<ByteString> keys, StreamObserver<?> out) {
        for (ByteString k : keys) {
            if (k.isEmpty() || k.size() > limits.maxKeyBytes()) {
                out.onError(Status.INVALID_ARGUMENT.withDescription(k.isEmpty() ? "keys must not be empty"
                        : "a key of " + k.size() + " bytes exceeds the " + limits.maxKeyBytes() + " byte limit")
                        .asException());
                return false;
            }
        }
        return true;
    }

}
