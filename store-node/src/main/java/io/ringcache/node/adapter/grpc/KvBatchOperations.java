package io.ringcache.node.adapter.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KeyValueWrite;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.ReadConsistency;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.StoredValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * BatchGet and BatchPut over any keys: split by shard, each shard's part served or forwarded as
 * one request (a BatchPut part is one atomic command of its shard), results put back in request
 * order. A failed shard fails only its own keys.
 */
final class KvBatchOperations {

    private final KvService kv;

    KvBatchOperations(KvService kv) {
        this.kv = kv;
    }

    void batchGet(BatchGetRequest r, StreamObserver<BatchGetResponse> out) {
        PartitionMap map = mapOrFail(out);
        if (map == null || !validKeys(r.getKeysList(), out)) {
            return;
        }
        boolean anyReplica = r.getHeader().getConsistency() != ReadConsistency.READ_CONSISTENCY_LINEARIZABLE;
        GetResponse[] results = new GetResponse[r.getKeysCount()];
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> part : byShard(map, r.getKeysList()).entrySet()) {
            int shard = part.getKey();
            List<Integer> positions = part.getValue();
            List<ByteString> keys = new ArrayList<>();
            for (int p : positions) {
                keys.add(r.getKeys(p));
            }
            parts.add(kv.dispatch(map, shard, r.getHeader(), anyReplica,
                    e -> failedGets(e, keys.size()),
                    s -> {
                        List<byte[]> raw = new ArrayList<>();
                        for (ByteString k : keys) {
                            raw.add(k.toByteArray());
                        }
                        long servedFrom = kv.appliedIndex(s); // before the read: a lower bound of what it sees
                        return kv.read(s, r.getHeader(), new Query.BatchGet(raw)).thenApply(answer -> {
                            BatchGetResponse.Builder b = BatchGetResponse.newBuilder().setHeader(kv.header(s, servedFrom));
                            for (StoredValue v : ((ResultCodec.Answer.Values) answer).values()) {
                                GetResponse.Builder g = GetResponse.newBuilder().setFound(v != null);
                                if (v != null) {
                                    g.setValue(KvService.versioned(v));
                                }
                                b.addResults(g);
                            }
                            return b.build();
                        });
                    },
                    (stub, h) -> stub.batchGet(BatchGetRequest.newBuilder().setHeader(h).addAllKeys(keys).build()))
                    .thenAccept(response -> {
                        for (int i = 0; i < positions.size(); i++) {
                            results[positions.get(i)] = response.getResults(i);
                        }
                    }));
        }
        CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).whenComplete((v, error) -> {
            BatchGetResponse.Builder b = BatchGetResponse.newBuilder();
            for (GetResponse g : results) {
                b.addResults(g != null ? g : GetResponse.newBuilder().setError(KvErrors.unavailable(0, "no reply")).build());
            }
            KvService.reply(out, b.build());
        });
    }

    void batchPut(BatchPutRequest r, StreamObserver<BatchPutResponse> out) {
        PartitionMap map = mapOrFail(out);
        if (map == null) {
            return;
        }
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
        PutResponse[] results = new PutResponse[r.getEntriesCount()];
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> part : byShard(map, allKeys).entrySet()) {
            int shard = part.getKey();
            List<Integer> positions = new ArrayList<>();
            List<KeyValueWrite> writes = new ArrayList<>();
            int bytes = 0;
            for (int p : part.getValue()) {
                int valueSize = r.getEntries(p).getValue().size();
                if (valueSize > kv.limits().maxValueBytes()) {
                    // Only this entry is refused: a coalesced batch carries other callers' writes too.
                    results[p] = PutResponse.newBuilder()
                            .setError(KvErrors.valueTooLarge(valueSize, kv.limits().maxValueBytes())).build();
                    continue;
                }
                positions.add(p);
                writes.add(r.getEntries(p));
                bytes += r.getEntries(p).getSerializedSize();
            }
            if (writes.isEmpty()) {
                continue;
            }
            int size = bytes;
            parts.add(kv.dispatch(map, shard, r.getHeader(), false,
                    e -> failedPuts(e, writes.size()),
                    s -> {
                        List<Command.Put> puts = new ArrayList<>();
                        for (KeyValueWrite w : writes) {
                            puts.add(new Command.Put(w.getKey().toByteArray(), w.getValue().toByteArray(), w.getTtlMs()));
                        }
                        return kv.write(s, KvService.tagged(r.getHeader(), new Command.BatchPut(puts)), size).thenApply(result -> {
                            BatchPutResponse.Builder b = BatchPutResponse.newBuilder().setHeader(kv.header(s));
                            if (result instanceof CommandResult.Batch batch) {
                                for (CommandResult one : batch.results()) {
                                    CommandResult.Written w = (CommandResult.Written) one;
                                    b.addResults(PutResponse.newBuilder().setVersion(w.version())
                                            .setPreviousVersion(w.previousVersion()));
                                }
                                return b.build();
                            }
                            return failedPuts(kv.rejected(s, result), writes.size());
                        });
                    },
                    (stub, h) -> stub.batchPut(BatchPutRequest.newBuilder().setHeader(h).addAllEntries(writes).build()))
                    .thenAccept(response -> {
                        for (int i = 0; i < positions.size(); i++) {
                            results[positions.get(i)] = response.getResults(i);
                        }
                    }));
        }
        CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).whenComplete((v, error) -> {
            BatchPutResponse.Builder b = BatchPutResponse.newBuilder();
            for (PutResponse p : results) {
                b.addResults(p != null ? p : PutResponse.newBuilder().setError(KvErrors.unavailable(0, "no reply")).build());
            }
            KvService.reply(out, b.build());
        });
    }

    private static BatchGetResponse failedGets(Error e, int n) {
        BatchGetResponse.Builder b = BatchGetResponse.newBuilder();
        for (int i = 0; i < n; i++) {
            b.addResults(GetResponse.newBuilder().setError(e));
        }
        return b.build();
    }

    private static BatchPutResponse failedPuts(Error e, int n) {
        BatchPutResponse.Builder b = BatchPutResponse.newBuilder();
        for (int i = 0; i < n; i++) {
            b.addResults(PutResponse.newBuilder().setError(e));
        }
        return b.build();
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
            if (k.isEmpty() || k.size() > kv.limits().maxKeyBytes()) {
                out.onError(Status.INVALID_ARGUMENT.withDescription(k.isEmpty() ? "keys must not be empty"
                        : "a key of " + k.size() + " bytes exceeds the " + kv.limits().maxKeyBytes() + " byte limit")
                        .asException());
                return false;
            }
        }
        return true;
    }

    private PartitionMap mapOrFail(StreamObserver<?> out) {
        return kv.map().orElseGet(() -> {
            out.onError(Status.UNAVAILABLE.withDescription("this store has no partition map yet").asException());
            return null;
        });
    }
}
