package io.ringcache.node.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ringcache.node.adapter.raft.GroupCommitWriter;
import io.ringcache.node.adapter.raft.RatisLocalShards;
import io.ringcache.node.adapter.time.ScheduledPacer;
import io.ringcache.node.core.CurrentMap;
import io.ringcache.node.core.RequestPath;
import io.ringcache.placement.api.StoreChannels;
import io.ringcache.proto.v1.Invalidation;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.WatchInvalidationsRequest;
import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.adapter.ratis.RatisTuning;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code WatchInvalidations} served by a real single-replica host in this JVM, over in-process gRPC. */
class WatchInvalidationsIT {

    private static final int MAX_KEYS = 100;

    private Path dir;
    private ShardGroupHost host;
    private Server server;
    private ManagedChannel channel;
    private KvGrpc.KvStub kv;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("watch-invalidations");
        host = new ShardGroupHost("solo", RatisTuning.defaults(dir.toFile()).withPort(0),
                shard -> new HeapShardStore(), ShardLimits.withBudget(8L << 20), System::currentTimeMillis).start();
        for (int shard = 1; shard <= 2; shard++) {
            host.addShard(shard, List.of(new ShardGroupHost.Replica("solo", host.raftAddress())));
        }
        await(() -> host.isReadyLeader(1) && host.isReadyLeader(2));
        ShardLimits limits = ShardLimits.withBudget(8L << 20);
        RequestPath requests = new RequestPath(new CurrentMap(), new RatisLocalShards(host, new GroupCommitWriter(host)),
                new GrpcShardForwarder(new StoreChannels()), new ScheduledPacer(), limits, shard -> { });
        KvService service = new KvService(requests, host, limits, MAX_KEYS);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        kv = KvGrpc.newStub(channel);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow();
        host.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }

    @Test
    void writesProduceInvalidationsWithTheirKeysAndGrowingIndexes() throws Exception {
        Watch w = watch(Integer.MAX_VALUE, 1, 2);
        await(() -> w.messages.size() >= 2);
        for (Invalidation opening : w.messages) {
            assertEquals(0, opening.getKeysCount(), "the opening message of each shard names no key");
        }
        write(1, new Command.Put(b("a"), b("1"), 0));
        write(2, new Command.Put(b("x"), b("1"), 0));
        write(1, new Command.BatchPut(List.of(new Command.Put(b("b"), b("1"), 0), new Command.Put(b("c"), b("1"), 0))));
        write(1, new Command.Delete(b("a")));
        write(1, new Command.Touch(b("absent"), 1_000)); // changes nothing
        await(() -> w.keys(1).equals(List.of("a", "b", "c", "a")) && w.keys(2).equals(List.of("x")));
        for (int shard = 1; shard <= 2; shard++) {
            long previous = -1;
            for (Invalidation m : w.messages) {
                if (m.getShardId() == shard) {
                    assertTrue(m.getAppliedIndex() > previous || m.getKeysCount() == 0, "indexes grow: " + w.messages);
                    previous = m.getAppliedIndex();
                }
            }
        }
        assertTrue(w.messages.stream().filter(m -> m.getShardId() == 1).mapToLong(Invalidation::getAppliedIndex).max()
                .getAsLong() <= host.appliedIndex(1));
        assertFalse(w.error.isDone());
    }

    @Test
    void ttlExpiryProducesAnInvalidation() throws Exception {
        Watch w = watch(Integer.MAX_VALUE, 1);
        write(1, new Command.Put(b("ttl"), b("1"), 150));
        await(() -> w.keys(1).equals(List.of("ttl", "ttl"))); // written, then reclaimed by the leader's expiry
        assertTrue(host.engine(1).orElseThrow().get(b("ttl"), 0) == null);
    }

    @Test
    void removingTheShardEndsTheStream() throws Exception {
        Watch w = watch(Integer.MAX_VALUE, 1, 2);
        await(() -> w.messages.size() >= 2);
        host.removeShard(2);
        Status status = w.error.get(10, TimeUnit.SECONDS);
        assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
        assertTrue(status.getDescription().contains("shard 2"), status.toString());
        await(() -> host.applyListenerCount(1) == 0);
    }

    @Test
    void badRequestsAreRefused() throws Exception {
        assertEquals(Status.Code.INVALID_ARGUMENT, watch(Integer.MAX_VALUE).error.get(10, TimeUnit.SECONDS).getCode());
        Status unknown = watch(Integer.MAX_VALUE, 1, 99).error.get(10, TimeUnit.SECONDS);
        assertEquals(Status.Code.FAILED_PRECONDITION, unknown.getCode());
        assertTrue(unknown.getDescription().contains("shard 99 is not hosted"), unknown.toString());
        await(() -> host.applyListenerCount(1) == 0);
        assertEquals(Status.Code.FAILED_PRECONDITION, watch(Integer.MAX_VALUE, -1).error.get(10, TimeUnit.SECONDS).getCode());
    }

    @Test
    void aClientThatDoesNotReadOverflowsAndIsCutOff() throws Exception {
        Watch w = watch(1, 1); // takes the opening message, then reads nothing
        await(() -> w.messages.size() == 1);
        for (int i = 0; i < 3 && !w.error.isDone(); i++) {
            List<Command.Put> puts = new ArrayList<>();
            for (int k = 0; k < 50; k++) {
                puts.add(new Command.Put(b("k" + i + "-" + k), b("v"), 0));
            }
            write(1, new Command.BatchPut(puts));
        }
        Status status = w.error.get(10, TimeUnit.SECONDS);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
        await(() -> host.applyListenerCount(1) == 0);
        write(1, new Command.Put(b("after"), b("v"), 0)); // apply goes on
    }

    @Test
    void cancellingUnsubscribes() throws Exception {
        Watch w = watch(Integer.MAX_VALUE, 1, 2);
        await(() -> w.messages.size() >= 2);
        assertEquals(1, host.applyListenerCount(1));
        w.call.cancel("done", null);
        await(() -> host.applyListenerCount(1) == 0 && host.applyListenerCount(2) == 0);
        write(1, new Command.Put(b("a"), b("1"), 0));
    }

    private void write(int shard, Command c) throws Exception {
        host.submit(shard, List.of(c)).get(30, TimeUnit.SECONDS);
    }

    private Watch watch(int initialRequests, int... shards) {
        WatchInvalidationsRequest.Builder r = WatchInvalidationsRequest.newBuilder();
        for (int s : shards) {
            r.addShardIds(s);
        }
        Watch w = new Watch(initialRequests);
        kv.watchInvalidations(r.build(), w);
        return w;
    }

    private static final class Watch implements ClientResponseObserver<WatchInvalidationsRequest, Invalidation> {
        final int initialRequests;
        final List<Invalidation> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Status> error = new CompletableFuture<>();
        ClientCallStreamObserver<WatchInvalidationsRequest> call;

        Watch(int initialRequests) {
            this.initialRequests = initialRequests;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchInvalidationsRequest> requestStream) {
            call = requestStream;
            if (initialRequests != Integer.MAX_VALUE) {
                requestStream.disableAutoRequestWithInitial(initialRequests);
            }
        }

        @Override
        public void onNext(Invalidation value) {
            messages.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            error.complete(Status.OK);
        }

        List<String> keys(int shard) {
            List<String> out = new ArrayList<>();
            for (Invalidation m : messages) {
                if (m.getShardId() == shard) {
                    for (ByteString k : m.getKeysList()) {
                        out.add(k.toStringUtf8());
                    }
                }
            }
            return out;
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Poll.until("the condition", condition);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
