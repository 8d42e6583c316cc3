package io.ringcache.client.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringcache.client.core.NearCache;
import io.ringcache.proto.v1.Invalidation;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.WatchInvalidationsRequest;
import io.ringcache.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link InvalidationSubscriber} against fake stores "a" and "b" serving {@code WatchInvalidations} in process. */
class InvalidationSubscriberTest {

    /** One WatchInvalidations call a fake store received. */
    record Call(String store, Set<Integer> shards, ServerCallStreamObserver<Invalidation> out, AtomicBoolean cancelled) {
        void send(int shard, long index, String... keys) {
            Invalidation.Builder b = Invalidation.newBuilder().setShardId(shard).setAppliedIndex(index);
            for (String k : keys) {
                b.addKeys(ByteString.copyFromUtf8(k));
            }
            out.onNext(b.build());
        }
    }

    private final LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Map<String, Server> servers = new ConcurrentHashMap<>();
    private final Map<Integer, List<String>> replicas = new ConcurrentHashMap<>();
    /** How often the subscriber looked up each shard's replicas: its attempts to subscribe it. */
    private final Map<Integer, java.util.concurrent.atomic.AtomicInteger> lookups = new ConcurrentHashMap<>();
    private NearCache cache;
    private InvalidationSubscriber subscriber;

    @BeforeEach
    void start() throws Exception {
        for (String store : List.of("a", "b")) {
            String name = InProcessServerBuilder.generateName();
            servers.put(store, InProcessServerBuilder.forName(name).directExecutor().addService(new FakeKv(store)).build().start());
            channels.put(store, InProcessChannelBuilder.forName(name).directExecutor().build());
        }
        cache = new NearCache(100, 1 << 20, TimeUnit.SECONDS.toNanos(60));
        subscriber = new InvalidationSubscriber(cache, shard -> {
            lookups.computeIfAbsent(shard, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            return replicas.get(shard);
        }, channels::get, 10, 50);
    }

    @AfterEach
    void stop() {
        subscriber.close();
        channels.values().forEach(ManagedChannel::shutdownNow);
        servers.values().forEach(Server::shutdownNow);
    }

    @Test
    void opensFeedsAndInvalidates() throws Exception {
        replicas.put(1, List.of("a"));
        subscriber.watch(1);
        Call call = next();
        assertEquals("a", call.store());
        assertEquals(Set.of(1), call.shards());
        assertFalse(cache.put(1, b("k"), b("v"), 1, 10, 0, 0), "not before the stream opened");
        call.send(1, 10);
        await(() -> cache.healthy(1));
        assertFalse(cache.put(1, b("k"), b("v"), 1, 9, 0, 0), "a read older than the stream's opening");
        assertTrue(cache.put(1, b("k"), b("v"), 1, 10, 0, 0));
        call.send(1, 11, "other");
        assertNotNull(cache.get(b("k"), 0));
        call.send(1, 12, "k");
        await(() -> cache.get(b("k"), 0) == null);
        call.out().onNext(Invalidation.newBuilder().setShardId(1).setAppliedIndex(13).build());
        assertEquals(13, cache.seenIndex(1));
    }

    @Test
    void shardsWatchedTogetherOnOneStoreShareAStream() throws Exception {
        replicas.put(1, List.of("a"));
        replicas.put(2, List.of("a"));
        replicas.put(3, List.of("b"));
        subscriber.watch(1);
        subscriber.watch(2);
        subscriber.watch(3);
        Set<Integer> onA = new HashSet<>();
        Set<Integer> onB = new HashSet<>();
        int callsToA = 0;
        while (onA.size() + onB.size() < 3) {
            Call c = next();
            if (c.store().equals("a")) {
                callsToA++;
                onA.addAll(c.shards());
            } else {
                onB.addAll(c.shards());
            }
        }
        assertEquals(Set.of(1, 2), onA);
        assertEquals(Set.of(3), onB);
        assertTrue(callsToA <= 2);
    }

    @Test
    void aFailedStreamDropsItsShardsAndResubscribesOnTheNextReplica() throws Exception {
        replicas.put(1, List.of("a", "b"));
        subscriber.watch(1);
        Call first = next();
        assertEquals("a", first.store());
        first.send(1, 5);
        await(() -> cache.healthy(1));
        assertTrue(cache.put(1, b("k"), b("v"), 1, 5, 0, 0));
        first.out().onError(Status.FAILED_PRECONDITION.withDescription("shard 1 moved").asRuntimeException());
        await(() -> !cache.healthy(1));
        assertNull(cache.get(b("k"), 0), "dropped, never trusted");
        Call second = next();
        assertEquals("b", second.store(), "the next replica");
        assertEquals(Set.of(1), second.shards());
        assertFalse(cache.put(1, b("k"), b("v"), 1, 5, 0, 0), "not before the new stream opened");
        second.send(1, 7);
        await(() -> cache.healthy(1));
        assertEquals(7, cache.seenIndex(1));
    }

    @Test
    void aCompletedStreamAlsoDropsAndResubscribes() throws Exception {
        replicas.put(1, List.of("a"));
        subscriber.watch(1);
        Call first = next();
        first.send(1, 5);
        await(() -> cache.healthy(1));
        cache.put(1, b("k"), b("v"), 1, 5, 0, 0);
        first.out().onCompleted();
        await(() -> !cache.healthy(1));
        assertEquals(0, cache.size());
        assertEquals(Set.of(1), next().shards());
    }

    @Test
    void aResetDropsTheShardsOlderEntriesButKeepsTheStream() throws Exception {
        replicas.put(1, List.of("a"));
        subscriber.watch(1);
        Call call = next();
        call.send(1, 5);
        await(() -> cache.healthy(1));
        cache.put(1, b("k"), b("v"), 1, 5, 0, 0);
        call.out().onNext(Invalidation.newBuilder().setShardId(1).setAppliedIndex(20).setAll(true).build());
        await(() -> cache.size() == 0);
        assertTrue(cache.healthy(1));
        assertEquals(20, cache.seenIndex(1));
    }

    @Test
    void unknownReplicasAreRetriedLater() throws Exception {
        subscriber.watch(4);
        // Two lookups: the first attempt found no replica, and a retry came after it.
        await(() -> lookups.containsKey(4) && lookups.get(4).get() >= 2);
        assertTrue(calls.isEmpty());
        replicas.put(4, List.of("b"));
        assertEquals(Set.of(4), next().shards());
    }

    @Test
    void closingCancelsTheStreams() throws Exception {
        replicas.put(1, List.of("a"));
        subscriber.watch(1);
        Call call = next();
        call.send(1, 5);
        await(() -> cache.healthy(1));
        subscriber.close();
        await(() -> call.cancelled().get());
        await(() -> !cache.healthy(1));
        await(subscriber::stopped);
        assertTrue(calls.isEmpty(), "no resubscription after close");
    }

    private Call next() throws InterruptedException {
        Call c = calls.poll(10, TimeUnit.SECONDS);
        assertNotNull(c, "expected a WatchInvalidations call");
        return c;
    }

    private final class FakeKv extends KvGrpc.KvImplBase {
        private final String store;

        FakeKv(String store) {
            this.store = store;
        }

        @Override
        public void watchInvalidations(WatchInvalidationsRequest r, StreamObserver<Invalidation> out) {
            ServerCallStreamObserver<Invalidation> server = (ServerCallStreamObserver<Invalidation>) out;
            AtomicBoolean cancelled = new AtomicBoolean();
            server.setOnCancelHandler(() -> cancelled.set(true));
            calls.add(new Call(store, new HashSet<>(r.getShardIdsList()), server, cancelled));
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Poll.until("the condition", condition);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
