package io.ringcache.node.adapter.http;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringcache.proto.v1.DeleteRequest;
import io.ringcache.proto.v1.DeleteResponse;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.InvalidArgument;
import io.ringcache.proto.v1.KeyTooLarge;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.NotLeader;
import io.ringcache.proto.v1.PutRequest;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.RequestHeader;
import io.ringcache.proto.v1.ResourceExhausted;
import io.ringcache.proto.v1.ShardNotFound;
import io.ringcache.proto.v1.StaleEpoch;
import io.ringcache.proto.v1.Unavailable;
import io.ringcache.proto.v1.ValueTooLarge;
import io.ringcache.proto.v1.VersionedValue;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory KV service: versions from a counter, TTL against a clock the test moves. Keys
 * {@code error:<kind>} answer that typed error; keys {@code status:<CODE>} fail the call with that gRPC status;
 * {@code hang} never answers.
 */
final class FakeKv extends KvGrpc.KvImplBase {

    record Entry(ByteString value, long version, long expiresAt) {
    }

    /** What one call carried: its method, header and whether it had a deadline. */
    record Call(String method, RequestHeader header, ByteString key, Deadline deadline) {
    }

    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    final Map<ByteString, Entry> entries = new ConcurrentHashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicLong versions = new AtomicLong(65536);

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> out) {
        if (failed("get", request.getHeader(), request.getKey(), out)) {
            return;
        }
        Error error = error(request.getKey());
        if (error != null) {
            complete(out, GetResponse.newBuilder().setError(error).build());
            return;
        }
        Entry e = live(request.getKey());
        GetResponse.Builder reply = GetResponse.newBuilder().setFound(e != null);
        if (e != null) {
            reply.setValue(VersionedValue.newBuilder().setValue(e.value()).setVersion(e.version())
                    .setExpiresAtUnixMs(e.expiresAt()));
        }
        complete(out, reply.build());
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
        if (failed("put", request.getHeader(), request.getKey(), out)) {
            return;
        }
        Error error = error(request.getKey());
        if (error != null) {
            complete(out, PutResponse.newBuilder().setError(error).build());
            return;
        }
        Entry previous = live(request.getKey());
        long version = versions.addAndGet(65536);
        long expiresAt = request.getTtlMs() == 0 ? 0 : clock.get() + request.getTtlMs();
        entries.put(request.getKey(), new Entry(request.getValue(), version, expiresAt));
        complete(out, PutResponse.newBuilder().setVersion(version)
                .setPreviousVersion(previous == null ? 0 : previous.version()).build());
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
        if (failed("delete", request.getHeader(), request.getKey(), out)) {
            return;
        }
        Error error = error(request.getKey());
        if (error != null) {
            complete(out, DeleteResponse.newBuilder().setError(error).build());
            return;
        }
        Entry previous = live(request.getKey());
        entries.remove(request.getKey());
        complete(out, DeleteResponse.newBuilder().setDeleted(previous != null)
                .setPreviousVersion(previous == null ? 0 : previous.version()).build());
    }

    private Entry live(ByteString key) {
        Entry e = entries.get(key);
        if (e != null && e.expiresAt() != 0 && e.expiresAt() <= clock.get()) {
            entries.remove(key, e);
            return null;
        }
        return e;
    }

    private boolean failed(String method, RequestHeader header, ByteString key, StreamObserver<?> out) {
        calls.add(new Call(method, header, key, Context.current().getDeadline()));
        String k = key.toStringUtf8();
        if (k.equals("hang")) {
            return true; // never answers: the caller's deadline ends the call
        }
        if (k.startsWith("status:")) {
            Status.Code code = Status.Code.valueOf(k.substring("status:".length()));
            out.onError(Status.fromCode(code).withDescription("fake " + code).asRuntimeException());
            return true;
        }
        return false;
    }

    private static Error error(ByteString key) {
        String k = key.toStringUtf8();
        if (!k.startsWith("error:")) {
            return null;
        }
        Error.Builder e = Error.newBuilder();
        switch (k.substring("error:".length())) {
            case "not_leader" -> e.setNotLeader(NotLeader.newBuilder().setShardId(3));
            case "stale_epoch" -> e.setStaleEpoch(StaleEpoch.newBuilder().setRequestEpoch(1).setCurrentEpoch(2));
            case "shard_not_found" -> e.setShardNotFound(ShardNotFound.newBuilder().setShardId(9));
            case "key_too_large" -> e.setKeyTooLarge(KeyTooLarge.newBuilder().setSize(5000).setMaxSize(4096));
            case "value_too_large" -> e.setValueTooLarge(ValueTooLarge.newBuilder().setSize(9).setMaxSize(8));
            case "resource_exhausted" -> e.setResourceExhausted(ResourceExhausted.newBuilder().setShardId(1)
                    .setBudgetBytes(1024).setMessage("shard 1 is over its budget of 1024 bytes"));
            case "invalid_argument" -> e.setInvalidArgument(InvalidArgument.newBuilder().setMessage("bad \"thing\""));
            case "unavailable" -> e.setUnavailable(Unavailable.newBuilder().setShardId(4).setMessage("no leader"));
            default -> throw new IllegalArgumentException(k);
        }
        return e.build();
    }

    private static <T> void complete(StreamObserver<T> out, T reply) {
        out.onNext(reply);
        out.onCompleted();
    }
}
