package io.ringcache.client.adapter.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.Versioned;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.ReadConsistency;
import io.ringcache.proto.v1.RequestHeader;
import io.ringcache.proto.v1.VersionedValue;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The client's conversions at the wire: request headers, values and typed errors, futures. */
final class ClientWire {

    private ClientWire() {
    }

    static <T> ShardCalls.Outcome<T> outcome(int shard, Error error, T value) {
        return error != null ? ShardCalls.Outcome.failed(WireErrors.of(shard, error)) : ShardCalls.Outcome.ok(value);
    }

    static Optional<Versioned> value(boolean found, VersionedValue v) {
        return found ? Optional.of(new Versioned(v.getValue().toByteArray(), v.getVersion(), v.getExpiresAtUnixMs()))
                : Optional.empty();
    }

    static RequestHeader readHeader(ShardCalls.Target t, ReadOptions options) {
        RequestHeader.Builder h = RequestHeader.newBuilder().setEpoch(t.epoch()).setForward(t.forward());
        switch (options.consistency()) {
            case FOLLOWER:
                h.setConsistency(ReadConsistency.READ_CONSISTENCY_FOLLOWER);
                break;
            case STALE:
                h.setConsistency(ReadConsistency.READ_CONSISTENCY_STALE)
                        .setMaxStalenessMs((int) Math.min(Integer.MAX_VALUE, options.maxStaleness().toMillis()));
                break;
            default:
                break;
        }
        return h.build();
    }

    static <T> CompletableFuture<T> listen(ListenableFuture<T> f) {
        CompletableFuture<T> out = new CompletableFuture<>();
        Futures.addCallback(f, new FutureCallback<>() {
            @Override
            public void onSuccess(T v) {
                out.complete(v);
            }

            @Override
            public void onFailure(Throwable t) {
                out.completeExceptionally(t);
            }
        }, MoreExecutors.directExecutor());
        return out;
    }
}
