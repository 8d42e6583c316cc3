package io.ringcache.node.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.KvRequests;
import io.ringcache.node.core.UnroutedKvRequests;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.KeyValueWrite;
import io.ringcache.shard.core.ShardLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A store that has no partition map yet (it just started) answers batches key by key as not
 * applied, so a store that forwarded a coalesced batch, or an SDK, sends them again instead of
 * reporting a write of unknown fate.
 */
class KvBatchOperationsTest {

    /** A request path before the store's first map: nothing can be routed. */
    private static final KvRequests NO_MAP_YET = new UnroutedKvRequests("nothing is submitted without a map");

    private final KvBatchOperations batches = new KvBatchOperations(NO_MAP_YET, ShardLimits.withBudget(1 << 20), null, GrpcKeyRights.OPEN);

    @Test
    void withoutAMapEveryPutIsAnsweredAsNotApplied() {
        Recorder<BatchPutResponse> out = new Recorder<>();
        batches.batchPut(BatchPutRequest.newBuilder()
                .addEntries(KeyValueWrite.newBuilder().setKey(ByteString.copyFromUtf8("a")).setValue(ByteString.copyFromUtf8("1")))
                .addEntries(KeyValueWrite.newBuilder().setKey(ByteString.copyFromUtf8("b")).setValue(ByteString.copyFromUtf8("2")))
                .build(), out);
        assertNull(out.error);
        assertEquals(2, out.replies.get(0).getResultsCount());
        out.replies.get(0).getResultsList().forEach(p -> assertNotApplied(p.getError()));
    }

    @Test
    void withoutAMapEveryGetIsAnsweredAsNotServed() {
        Recorder<BatchGetResponse> out = new Recorder<>();
        batches.batchGet(BatchGetRequest.newBuilder().addKeys(ByteString.copyFromUtf8("a")).build(), out);
        assertNull(out.error);
        assertNotApplied(out.replies.get(0).getResults(0).getError());
    }

    @Test
    void badKeysAreStillRefusedAsAWhole() {
        Recorder<BatchGetResponse> out = new Recorder<>();
        batches.batchGet(BatchGetRequest.newBuilder().addKeys(ByteString.EMPTY).build(), out);
        assertTrue(out.error != null && out.error.getMessage().contains("INVALID_ARGUMENT"), String.valueOf(out.error));
    }

    private static void assertNotApplied(Error e) {
        KvFailure.Unavailable u = assertInstanceOf(KvFailure.Unavailable.class, KvErrors.fromProto(e));
        assertTrue(u.notApplied(), u.toString());
    }

    private static final class Recorder<T> implements StreamObserver<T> {
        final List<T> replies = new ArrayList<>();
        Throwable error;

        @Override
        public void onNext(T value) {
            replies.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
        }
    }
}
