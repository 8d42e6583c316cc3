package io.ringcache.node.adapter.http;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ringcache.proto.v1.DeleteRequest;
import io.ringcache.proto.v1.DeleteResponse;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutRequest;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.RequestHeader;
import io.ringcache.proto.v1.VersionedValue;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Calls to the node's own KV service. Every call asks the node to forward (any node serves any key)
 * and carries a deadline; typed errors and failed calls become {@link HttpError}s.
 */
final class KvCalls {

    private static final RequestHeader FORWARD = RequestHeader.newBuilder().setForward(true).build();

    private final KvGrpc.KvBlockingStub kv;
    private final long deadlineMillis;

    KvCalls(KvGrpc.KvBlockingStub kv, Duration deadline) {
        this.kv = kv;
        this.deadlineMillis = deadline.toMillis();
    }

    Optional<VersionedValue> get(ByteString key) {
        GetResponse reply;
        try {
            reply = stub().get(GetRequest.newBuilder().setHeader(FORWARD).setKey(key).build());
        } catch (StatusRuntimeException e) {
            throw map(e);
        }
        if (reply.hasError()) {
            check(reply.getError());
        }
        return reply.getFound() ? Optional.of(reply.getValue()) : Optional.empty();
    }

    PutResponse put(ByteString key, ByteString value, long ttlMillis) {
        PutResponse reply;
        try {
            reply = stub().put(PutRequest.newBuilder().setHeader(FORWARD).setKey(key).setValue(value)
                    .setTtlMs(ttlMillis).build());
        } catch (StatusRuntimeException e) {
            throw map(e);
        }
        if (reply.hasError()) {
            check(reply.getError());
        }
        return reply;
    }

    DeleteResponse delete(ByteString key) {
        DeleteResponse reply;
        try {
            reply = stub().delete(DeleteRequest.newBuilder().setHeader(FORWARD).setKey(key).build());
        } catch (StatusRuntimeException e) {
            throw map(e);
        }
        if (reply.hasError()) {
            check(reply.getError());
        }
        return reply;
    }

    private KvGrpc.KvBlockingStub stub() {
        return kv.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    /** Throws the HTTP form of a typed error; returns if the error names no kind. */
    static void check(Error error) {
        switch (error.getKindCase()) {
            case KEY_TOO_LARGE -> throw HttpError.keyTooLarge(error.getKeyTooLarge().getSize(),
                    error.getKeyTooLarge().getMaxSize());
            case VALUE_TOO_LARGE -> throw HttpError.valueTooLarge(Integer.toUnsignedString(
                    error.getValueTooLarge().getSize()), Integer.toUnsignedLong(error.getValueTooLarge().getMaxSize()));
            case INVALID_ARGUMENT -> throw HttpError.badRequest(error.getInvalidArgument().getMessage());
            case RESOURCE_EXHAUSTED -> {
                String message = error.getResourceExhausted().getMessage();
                throw new HttpError(507, "resource_exhausted", message.isEmpty()
                        ? "shard " + error.getResourceExhausted().getShardId() + " reached its memory budget"
                        : message);
            }
            case NOT_LEADER -> throw HttpError.unavailable("not_leader", "could not reach the leader of shard "
                    + error.getNotLeader().getShardId());
            case STALE_EPOCH -> throw HttpError.unavailable("stale_epoch", "the partition map changed (epoch "
                    + error.getStaleEpoch().getRequestEpoch() + " < " + error.getStaleEpoch().getCurrentEpoch() + ")");
            case SHARD_NOT_FOUND -> throw HttpError.unavailable("shard_not_found", "shard "
                    + error.getShardNotFound().getShardId() + " not found");
            case UNAVAILABLE -> {
                String message = error.getUnavailable().getMessage();
                throw HttpError.unavailable("unavailable", message.isEmpty()
                        ? "shard " + error.getUnavailable().getShardId() + " is unavailable" : message);
            }
            case KIND_NOT_SET -> {
                // No error after all.
            }
        }
    }

    static HttpError map(StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = status.getDescription() != null ? status.getDescription() : status.getCode().name();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> HttpError.badRequest(description);
            case DEADLINE_EXCEEDED -> HttpError.unavailable("deadline_exceeded", description);
            case UNAVAILABLE -> HttpError.unavailable("unavailable", description);
            default -> new HttpError(500, "internal", status.getCode() + ": " + description);
        };
    }
}
