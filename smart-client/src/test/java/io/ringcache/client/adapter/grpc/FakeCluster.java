package io.ringcache.client.adapter.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.GetPartitionMapRequest;
import io.ringcache.proto.v1.GetPartitionMapResponse;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KeyValueWrite;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.NotLeader;
import io.ringcache.proto.v1.PartitionMap;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.PutRequest;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.RequestHeader;
import io.ringcache.proto.v1.Ring;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.StaleEpoch;
import io.ringcache.proto.v1.Store;
import io.ringcache.proto.v1.StoreState;
import io.ringcache.proto.v1.Unavailable;
import io.ringcache.proto.v1.ValueTooLarge;
import io.ringcache.proto.v1.VersionedValue;
import io.ringcache.routing.HashRing;
import io.ringcache.routing.TokenPlanner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted cluster on loopback ports: one placement driver serving a two-shard map and two
 * stores ("a", "b") sharing one in-memory key space. Each store's behaviour is a {@link Mode};
 * every request a store sees is recorded, so tests can check routing, retries and batching.
 */
final class FakeCluster implements AutoCloseable {

    enum Mode {
        SERVE, NOT_LEADER_POINT_TO_OTHER, STALE_EPOCH, UNAVAILABLE, TOO_LARGE, APPLY_THEN_DROP_REPLY,
        /** Applies and loses the reply, then answers the next request NotLeader even when forwarded. */
        APPLY_DROP_THEN_NOT_LEADER, NOT_LEADER_ONCE,
        /** Answers NotLeader once for a write it had proposed (maybe_applied), as a store that lost leadership does. */
        NOT_LEADER_MAYBE_APPLIED_ONCE,
        /** Takes every call and never answers, as a leader cut off by a partition (the caller's deadline ends it). */
        SILENT,
        /**
         * A split's parent, whichever replica is asked (forwarded or not): a BatchPut holding any key in
         * {@link #moved} is refused whole with KeyMoved, as a coalesced part is; the rest are applied.
         */
        SPLITTING
    }

    /** The keys a {@link Mode#SPLITTING} store refuses as moved to a child the map does not show yet. */
    final java.util.Set<ByteString> moved = ConcurrentHashMap.newKeySet();

    final Map<String, FakeStore> stores = new ConcurrentHashMap<>();
    final Map<ByteString, VersionedValue> data = new ConcurrentHashMap<>();
    final AtomicLong versions = new AtomicLong(100);
    final AtomicLong epoch = new AtomicLong(1);
    volatile String leader = "a";
    private final List<Server> servers = new ArrayList<>();
    private final Server pd;
    final HashRing ring = TokenPlanner.initial(new int[] {0, 1});
    /** Keys every store's Get replies mark hot. */
    final java.util.Set<ByteString> hotKeys = ConcurrentHashMap.newKeySet();
    /** Open WatchInvalidations streams, any store's. */
    final List<StreamObserver<io.ringcache.proto.v1.Invalidation>> invalidationStreams = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Sends every open invalidation stream that {@code key} of {@code shard} changed at {@code index}. */
    void invalidate(int shard, ByteString key, long index) {
        for (StreamObserver<io.ringcache.proto.v1.Invalidation> out : invalidationStreams) {
            synchronized (out) {
                out.onNext(io.ringcache.proto.v1.Invalidation.newBuilder().setShardId(shard).setAppliedIndex(index)
                        .addKeys(key).build());
            }
        }
    }

    FakeCluster() throws IOException {
        for (String id : List.of("a", "b")) {
            FakeStore s = new FakeStore(id);
            s.server = NettyServerBuilder.forPort(0).addService(s).build().start();
            stores.put(id, s);
            servers.add(s.server);
        }
        pd = NettyServerBuilder.forPort(0).addService(new FakePd()).build().start();
        servers.add(pd);
    }

    String pdAddress() {
        return "127.0.0.1:" + pd.getPort();
    }

    String address(String store) {
        return "127.0.0.1:" + stores.get(store).server.getPort();
    }

    PartitionMap map() {
        Ring.Builder ringProto = Ring.newBuilder();
        for (int i = 0; i < ring.size(); i++) {
            ringProto.addTokens(ring.token(i)).addShardIds(ring.owner(i));
        }
        PartitionMap.Builder m = PartitionMap.newBuilder().setEpoch(epoch.get()).setRing(ringProto);
        for (int shard = 0; shard < 2; shard++) {
            m.addShards(ShardPlacement.newBuilder().setShardId(shard).addReplicas("a").addReplicas("b").setLeader(leader));
        }
        for (String id : List.of("a", "b")) {
            m.addStores(Store.newBuilder().setId(id).setGrpcAddress(address(id)).setRaftAddress("x:1")
                    .setState(StoreState.STORE_STATE_UP));
        }
        return m.build();
    }

    final class FakePd extends PlacementDriverGrpc.PlacementDriverImplBase {
        @Override
        public void getPartitionMap(GetPartitionMapRequest r, StreamObserver<GetPartitionMapResponse> out) {
            GetPartitionMapResponse.Builder b = GetPartitionMapResponse.newBuilder();
            if (epoch.get() > r.getAfterEpoch()) {
                b.setMap(map());
            }
            out.onNext(b.build());
            out.onCompleted();
        }

        @Override
        public void watchPartitionMap(GetPartitionMapRequest r, StreamObserver<GetPartitionMapResponse> out) {
            // The fake never pushes: tests exercise the refresh path (StaleEpoch, failures).
        }
    }

    final class FakeStore extends KvGrpc.KvImplBase {
        final String id;
        volatile Mode mode = Mode.SERVE;
        Server server;
        final List<Object> seen = new CopyOnWriteArrayList<>();
        /** Per call seen, the milliseconds its deadline had left on arrival (negative: already passed; null: none). */
        final List<Optional<Long>> deadlinesLeft = new CopyOnWriteArrayList<>();
        final List<Long> sequences = new CopyOnWriteArrayList<>();
        final AtomicInteger batchGets = new AtomicInteger();
        final AtomicInteger singleGets = new AtomicInteger();
        volatile long delayMillis;

        FakeStore(String id) {
            this.id = id;
        }

        private String other() {
            return id.equals("a") ? "b" : "a";
        }

        /** The error this store answers with now, or null to serve. */
        private Error error(RequestHeader h) {
            switch (mode) {
                case NOT_LEADER_POINT_TO_OTHER:
                    return h.getForward() ? null : Error.newBuilder().setNotLeader(NotLeader.newBuilder().setShardId(0)
                            .setLeaderStoreId(other()).setLeaderAddress(address(other()))).build();
                case STALE_EPOCH:
                    return h.getEpoch() < epoch.get() ? Error.newBuilder().setStaleEpoch(StaleEpoch.newBuilder()
                            .setRequestEpoch(h.getEpoch()).setCurrentEpoch(epoch.get())).build() : null;
                case UNAVAILABLE:
                    return Error.newBuilder().setUnavailable(Unavailable.newBuilder().setMessage("no leader")).build();
                case NOT_LEADER_MAYBE_APPLIED_ONCE:
                    mode = Mode.SERVE;
                    return Error.newBuilder().setNotLeader(NotLeader.newBuilder().setShardId(0).setMaybeApplied(true)
                            .setLeaderStoreId(other()).setLeaderAddress(address(other()))).build();
                case NOT_LEADER_ONCE:
                    mode = Mode.SERVE;
                    return Error.newBuilder().setNotLeader(NotLeader.newBuilder().setShardId(0)
                            .setLeaderStoreId(other()).setLeaderAddress(address(other()))).build();
                case TOO_LARGE:
                    return Error.newBuilder().setValueTooLarge(ValueTooLarge.newBuilder().setSize(9).setMaxSize(1)).build();
                default:
                    return null;
            }
        }

        private Optional<Long> deadlineLeft() {
            io.grpc.Deadline d = io.grpc.Context.current().getDeadline();
            return d == null ? Optional.empty() : Optional.of(d.timeRemaining(java.util.concurrent.TimeUnit.MILLISECONDS));
        }

        private void pause() {
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void get(GetRequest r, StreamObserver<GetResponse> out) {
            seen.add(r);
            deadlinesLeft.add(deadlineLeft());
            if (mode == Mode.SILENT) {
                return;
            }
            singleGets.incrementAndGet();
            pause();
            out.onNext(read(r.getHeader(), r.getKey()));
            out.onCompleted();
        }

        private GetResponse read(RequestHeader h, ByteString key) {
            Error e = error(h);
            if (e != null) {
                return GetResponse.newBuilder().setError(e).build();
            }
            VersionedValue v = data.get(key);
            GetResponse.Builder reply = v == null ? GetResponse.newBuilder() : GetResponse.newBuilder().setFound(true).setValue(v);
            return reply.setHot(hotKeys.contains(key)).build();
        }

        /** Opens each asked shard's stream at index 0 and keeps the stream for {@link FakeCluster#invalidate}. */
        @Override
        public void watchInvalidations(io.ringcache.proto.v1.WatchInvalidationsRequest r,
                                       StreamObserver<io.ringcache.proto.v1.Invalidation> out) {
            synchronized (out) {
                for (int shard : r.getShardIdsList()) {
                    out.onNext(io.ringcache.proto.v1.Invalidation.newBuilder().setShardId(shard).setAppliedIndex(0).build());
                }
            }
            invalidationStreams.add(out);
        }

        @Override
        public void batchGet(BatchGetRequest r, StreamObserver<BatchGetResponse> out) {
            seen.add(r);
            deadlinesLeft.add(deadlineLeft());
            if (mode == Mode.SILENT) {
                return;
            }
            batchGets.incrementAndGet();
            pause();
            BatchGetResponse.Builder b = BatchGetResponse.newBuilder();
            for (ByteString k : r.getKeysList()) {
                b.addResults(read(r.getHeader(), k));
            }
            out.onNext(b.build());
            out.onCompleted();
        }

        @Override
        public void put(PutRequest r, StreamObserver<PutResponse> out) {
            throw new UnsupportedOperationException("the client sends puts as BatchPut");
        }

        @Override
        public void batchPut(BatchPutRequest r, StreamObserver<BatchPutResponse> out) {
            seen.add(r);
            deadlinesLeft.add(deadlineLeft());
            sequences.add(r.getHeader().getSequence());
            if (mode == Mode.SILENT) {
                return;
            }
            pause();
            Error e = error(r.getHeader());
            if (mode == Mode.SPLITTING && r.getEntriesList().stream().anyMatch(w -> moved.contains(w.getKey()))) {
                e = Error.newBuilder().setKeyMoved(io.ringcache.proto.v1.KeyMoved.newBuilder().setShardId(0)
                        .setMessage("moved to shard 2")).build();
            }
            BatchPutResponse.Builder b = BatchPutResponse.newBuilder();
            for (KeyValueWrite w : r.getEntriesList()) {
                if (e != null) {
                    b.addResults(PutResponse.newBuilder().setError(e));
                    continue;
                }
                long v = versions.incrementAndGet();
                data.put(w.getKey(), VersionedValue.newBuilder().setValue(w.getValue()).setVersion(v).build());
                b.addResults(PutResponse.newBuilder().setVersion(v));
            }
            if (mode == Mode.APPLY_THEN_DROP_REPLY || mode == Mode.APPLY_DROP_THEN_NOT_LEADER) {
                mode = mode == Mode.APPLY_THEN_DROP_REPLY ? Mode.SERVE : Mode.NOT_LEADER_ONCE;
                out.onError(Status.UNAVAILABLE.withDescription("reply lost").asException());
                return;
            }
            out.onNext(b.build());
            out.onCompleted();
        }
    }

    @Override
    public void close() {
        servers.forEach(Server::shutdownNow);
    }
}
