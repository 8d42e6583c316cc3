package io.ringcache.node.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.CompareAndSetRequest;
import io.ringcache.proto.v1.CompareAndSetResponse;
import io.ringcache.proto.v1.DeleteRequest;
import io.ringcache.proto.v1.Error;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KeyValueWrite;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutRequest;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.TouchRequest;
import io.ringcache.testing.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gRPC KV API of a real single-node cluster (bootstrap, in this JVM): every operation and every bad input. */
class KvGrpcServiceIT {

    private Path dir;
    private StoreNode node;
    private ManagedChannel channel;
    private KvGrpc.KvBlockingStub kv;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("kv-grpc");
        NodeOptions options = StoreNodeMain.parse(new String[] {"-node_id", "solo", "-http_addr", "127.0.0.1:0",
                "-raft_addr", "127.0.0.1:0", "-raft_dir", dir.toString(), "-bootstrap", "-shards", "4",
                "-shard_memory_mb", "8", "-max_value_bytes", "65536", "-maxmemory_policy", "noeviction"}, System.out, System.err, new int[1]);
        node = new StoreNode(options).start();
        channel = ManagedChannelBuilder.forTarget(node.self().grpcAddress()).usePlaintext().build();
        kv = KvGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        Poll.until("the node to be ready", node::ready);
    }

    @AfterEach
    void stop() throws IOException {
        channel.shutdownNow();
        node.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }

    @Test
    void everyOperation() {
        PutResponse put = retry(() -> kv.put(PutRequest.newBuilder().setKey(b("k")).setValue(b("v1")).build()));
        assertFalse(put.hasError(), put.toString());
        assertEquals(0, put.getPreviousVersion());
        GetResponse got = kv.get(GetRequest.newBuilder().setKey(b("k")).build());
        assertTrue(got.getFound());
        assertEquals("v1", got.getValue().getValue().toStringUtf8());
        assertEquals(put.getVersion(), got.getValue().getVersion());

        CompareAndSetResponse lost = kv.compareAndSet(CompareAndSetRequest.newBuilder().setKey(b("k"))
                .setExpectedVersion(put.getVersion() + 1).setNewValue(b("x")).build());
        assertFalse(lost.getSucceeded());
        assertEquals("v1", lost.getCurrent().getValue().toStringUtf8());
        CompareAndSetResponse won = kv.compareAndSet(CompareAndSetRequest.newBuilder().setKey(b("k"))
                .setExpectedVersion(put.getVersion()).setNewValue(b("v2")).build());
        assertTrue(won.getSucceeded());
        assertFalse(kv.compareAndSet(CompareAndSetRequest.newBuilder().setKey(b("k")).setExpectAbsent(true)
                .setNewValue(b("v3")).build()).getSucceeded());
        assertTrue(kv.compareAndSet(CompareAndSetRequest.newBuilder().setKey(b("k")).setExpectedValue(b("v2"))
                .setNewValue(b("v3")).build()).getSucceeded());

        assertTrue(kv.touch(TouchRequest.newBuilder().setKey(b("k")).setTtlMs(60_000).build()).getFound());
        assertTrue(kv.get(GetRequest.newBuilder().setKey(b("k")).build()).getValue().getExpiresAtUnixMs() > 0);

        BatchPutRequest.Builder batch = BatchPutRequest.newBuilder();
        BatchGetRequest.Builder gets = BatchGetRequest.newBuilder();
        for (int i = 0; i < 50; i++) {
            batch.addEntries(KeyValueWrite.newBuilder().setKey(b("b" + i)).setValue(b("v" + i)));
            gets.addKeys(b("b" + i));
        }
        gets.addKeys(b("absent"));
        BatchPutResponse written = kv.batchPut(batch.build());
        assertEquals(50, written.getResultsCount());
        written.getResultsList().forEach(r -> assertFalse(r.hasError(), r.toString()));
        BatchGetResponse read = kv.batchGet(gets.build());
        assertEquals(51, read.getResultsCount());
        for (int i = 0; i < 50; i++) {
            assertEquals("v" + i, read.getResults(i).getValue().getValue().toStringUtf8());
        }
        assertFalse(read.getResults(50).getFound());
        BatchGetResponse oneShard = kv.batchGet(BatchGetRequest.newBuilder().addKeys(b("b0")).build());
        assertTrue(oneShard.getHeader().getAppliedIndex() > 0, "a one-shard batch carries its shard's header: " + oneShard);

        assertTrue(kv.delete(DeleteRequest.newBuilder().setKey(b("k")).build()).getDeleted());
        assertFalse(kv.get(GetRequest.newBuilder().setKey(b("k")).build()).getFound());
    }

    /** The store-to-store RPCs a forwarding store uses for commands and reads with no RPC of their own. */
    @Test
    void executeAndQueryCarryAnyCommandInTheLogsEncoding() {
        int shard = retry(() -> kv.put(PutRequest.newBuilder().setKey(b("n")).setValue(b("41")).build())).getHeader().getShardId();
        io.ringcache.proto.v1.ExecuteResponse incr = kv.execute(io.ringcache.proto.v1.ExecuteRequest.newBuilder()
                .setShardId(shard).setEntry(ByteString.copyFrom(io.ringcache.shard.core.CommandCodec.encode(
                        new io.ringcache.shard.core.Command.Increment("n".getBytes(StandardCharsets.UTF_8), 1)))).build());
        assertFalse(incr.hasError(), incr.toString());
        assertEquals(java.util.List.of(new io.ringcache.shard.core.CommandResult.Counter(42)),
                io.ringcache.shard.core.ResultCodec.decodeResults(incr.getResult().toByteArray()));
        io.ringcache.proto.v1.QueryResponse scan = kv.query(io.ringcache.proto.v1.QueryRequest.newBuilder().setShardId(shard)
                .setQuery(ByteString.copyFrom(io.ringcache.shard.core.CommandCodec.encode(
                        new io.ringcache.shard.core.Query.Scan(new byte[0], 10)))).build());
        io.ringcache.shard.core.ResultCodec.Answer.Keys keys = (io.ringcache.shard.core.ResultCodec.Answer.Keys)
                io.ringcache.shard.core.ResultCodec.decodeAnswer(scan.getAnswer().toByteArray());
        assertTrue(keys.keys().stream().anyMatch(k -> new String(k, StandardCharsets.UTF_8).equals("n")));
        StatusRuntimeException malformed = assertThrows(StatusRuntimeException.class, () -> kv.execute(
                io.ringcache.proto.v1.ExecuteRequest.newBuilder().setShardId(shard).setEntry(b("junk")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
    }

    @Test
    void aRetriedWriteAppliesOnce() {
        io.ringcache.proto.v1.RequestHeader tag = io.ringcache.proto.v1.RequestHeader.newBuilder()
                .setClientId(5).setSequence(1).build();
        PutRequest first = PutRequest.newBuilder().setHeader(tag).setKey(b("r")).setValue(b("mine")).build();
        PutResponse applied = retry(() -> kv.put(first));
        assertFalse(applied.hasError(), applied.toString());
        kv.put(PutRequest.newBuilder().setKey(b("r")).setValue(b("theirs")).build());
        PutResponse retried = kv.put(first);
        assertEquals(applied.getVersion(), retried.getVersion(), "the retry gets the first answer");
        assertEquals("theirs", kv.get(GetRequest.newBuilder().setKey(b("r")).build()).getValue().getValue().toStringUtf8(),
                "and does not overwrite the later write");
    }

    @Test
    void badInputIsRefusedWithoutChangingState() {
        retry(() -> kv.put(PutRequest.newBuilder().setKey(b("keep")).setValue(b("v")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> kv.put(PutRequest.newBuilder().setValue(b("v")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> kv.get(GetRequest.newBuilder().build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                () -> kv.put(PutRequest.newBuilder().setKey(b("k")).setValue(b("v")).setTtlMs(-1).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                () -> kv.compareAndSet(CompareAndSetRequest.newBuilder().setKey(b("k")).setNewValue(b("v")).build()));
        Error tooLongKey = kv.put(PutRequest.newBuilder().setKey(ByteString.copyFrom(new byte[4097])).setValue(b("v")).build()).getError();
        assertTrue(tooLongKey.hasKeyTooLarge(), tooLongKey.toString());
        Error tooLongValue = kv.put(PutRequest.newBuilder().setKey(b("k")).setValue(ByteString.copyFrom(new byte[65537])).build()).getError();
        assertTrue(tooLongValue.hasValueTooLarge(), tooLongValue.toString());
        assertEquals(65537, tooLongValue.getValueTooLarge().getSize());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> kv.batchPut(BatchPutRequest.newBuilder()
                .addEntries(KeyValueWrite.newBuilder().setKey(b("ok")).setValue(b("v")))
                .addEntries(KeyValueWrite.newBuilder().setValue(b("no key"))).build()));
        assertFalse(kv.get(GetRequest.newBuilder().setKey(b("ok")).build()).getFound(), "a refused batch writes nothing");
        // One oversized value in a batch (a client may coalesce several callers' puts) fails only itself.
        BatchPutResponse mixed = kv.batchPut(BatchPutRequest.newBuilder()
                .addEntries(KeyValueWrite.newBuilder().setKey(b("fine")).setValue(b("v")))
                .addEntries(KeyValueWrite.newBuilder().setKey(b("huge")).setValue(ByteString.copyFrom(new byte[65537]))).build());
        assertFalse(mixed.getResults(0).hasError(), mixed.toString());
        assertTrue(mixed.getResults(1).getError().hasValueTooLarge(), mixed.toString());
        assertTrue(kv.get(GetRequest.newBuilder().setKey(b("fine")).build()).getFound());
        assertFalse(kv.get(GetRequest.newBuilder().setKey(b("huge")).build()).getFound());
        assertEquals("v", kv.get(GetRequest.newBuilder().setKey(b("keep")).build()).getValue().getValue().toStringUtf8());
    }

    @Test
    void aShardPartLargerThanOneLogEntryIsRefusedWithoutUpsettingTheShard() {
        retry(() -> kv.put(PutRequest.newBuilder().setKey(b("keep")).setValue(b("v")).build()));
        // 80 values of 64 KiB over 4 shards: some shard's part exceeds one log entry (under 1 MiB here).
        BatchPutRequest.Builder big = BatchPutRequest.newBuilder();
        for (int i = 0; i < 80; i++) {
            big.addEntries(KeyValueWrite.newBuilder().setKey(b("part-" + i)).setValue(ByteString.copyFrom(new byte[65536])));
        }
        BatchPutResponse r = kv.batchPut(big.build());
        int refused = 0;
        for (int i = 0; i < 80; i++) {
            boolean found = kv.get(GetRequest.newBuilder().setKey(b("part-" + i)).build()).getFound();
            if (r.getResults(i).hasError()) {
                refused++;
                Error e = r.getResults(i).getError();
                assertTrue(e.hasInvalidArgument() && e.getInvalidArgument().getMessage().contains("limit of one log entry"),
                        e.toString());
                assertFalse(found, "a refused part wrote nothing");
            } else {
                assertTrue(found);
            }
        }
        assertTrue(refused > 0, "no shard part exceeded one entry");
        PutResponse after = kv.put(PutRequest.newBuilder().setKey(b("after")).setValue(b("ok")).build());
        assertFalse(after.hasError(), after.toString());
        assertEquals("v", kv.get(GetRequest.newBuilder().setKey(b("keep")).build()).getValue().getValue().toStringUtf8());
    }

    @Test
    void aFullShardSaysSoAndKeepsItsData() {
        byte[] value = new byte[60_000];
        int stored = 0;
        Error full = null;
        for (int i = 0; i < 2_000 && full == null; i++) {
            int n = i;
            PutResponse r = retry(() -> kv.put(PutRequest.newBuilder().setKey(b("big-" + n)).setValue(ByteString.copyFrom(value)).build()));
            if (r.hasError()) {
                full = r.getError();
            } else {
                stored++;
            }
        }
        assertTrue(full != null && full.hasResourceExhausted(), String.valueOf(full));
        assertEquals(8L << 20, full.getResourceExhausted().getBudgetBytes());
        assertTrue(full.getResourceExhausted().getMessage().contains("is full"), full.getResourceExhausted().getMessage());
        assertTrue(stored > 0);
        assertTrue(kv.get(GetRequest.newBuilder().setKey(b("big-0")).build()).getFound());
    }

    private interface Call<T> {
        T call();
    }

    /** The first write after bootstrap may meet a shard whose leader is not ready yet. */
    private static <T> T retry(Call<T> call) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            T r = call.call();
            boolean unavailable = r instanceof PutResponse p && p.hasError() && (p.getError().hasUnavailable() || p.getError().hasNotLeader());
            if (!unavailable || System.nanoTime() > deadline) {
                return r;
            }
        }
    }

    private static void assertStatus(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }

    private static ByteString b(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }
}
