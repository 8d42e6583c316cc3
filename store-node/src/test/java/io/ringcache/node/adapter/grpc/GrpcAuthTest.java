package io.ringcache.node.adapter.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.ringcache.node.adapter.auth.AuthFixture;
import io.ringcache.node.adapter.auth.AuthFixture.Refusal;
import io.ringcache.node.adapter.auth.RecordingKvRequests;
import io.ringcache.node.adapter.time.ScheduledPacer;
import io.ringcache.node.core.AccessRules;
import io.ringcache.node.core.Consistency;
import io.ringcache.node.core.Routing;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.api.Argon2Secrets;
import io.ringcache.placement.api.AuthorizationHeader;
import io.ringcache.placement.api.GrpcCallerAuth;
import io.ringcache.placement.api.GrpcCallerAuth.Need;
import io.ringcache.placement.core.access.AccessTable;
import io.ringcache.placement.core.access.Authenticator;
import io.ringcache.proto.v1.BatchGetRequest;
import io.ringcache.proto.v1.BatchGetResponse;
import io.ringcache.proto.v1.BatchPutRequest;
import io.ringcache.proto.v1.BatchPutResponse;
import io.ringcache.proto.v1.CompareAndSetRequest;
import io.ringcache.proto.v1.DeleteRequest;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KeyValueWrite;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.proto.v1.PutRequest;
import io.ringcache.proto.v1.PutResponse;
import io.ringcache.proto.v1.TouchRequest;
import io.ringcache.proto.v1.WatchInvalidationsRequest;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Authentication and authorisation of the KV gRPC service, wired as the store wires it: the
 * {@link GrpcCallerAuth} interceptor (Execute and Query need nothing of it, the rest {@link Need#KEYS})
 * in front of a {@link KvService} that checks each call's key rights, over in-process gRPC and the
 * real request path on in-memory shards. No or wrong credentials are UNAUTHENTICATED, a key out of
 * reach PERMISSION_DENIED (a batch: a typed error on each forbidden entry), a refused call or entry
 * submits nothing; with auth off, everything as before.
 */
@Timeout(60)
class GrpcAuthTest {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of(AuthorizationHeader.NAME, Metadata.ASCII_STRING_MARSHALLER);
    private static final String ALICE = AuthorizationHeader.basic("alice", AuthFixture.ALICE_PASSWORD);
    private static final String ROB = AuthorizationHeader.basic("rob", AuthFixture.ROB_PASSWORD);
    private static final String ROOT = AuthorizationHeader.basic("root", AuthFixture.ROOT_PASSWORD);
    private static final String ALICE_WRONG = AuthorizationHeader.basic("alice", "not-alice-password");

    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    private final List<Refusal> refusals = AuthFixture.refusalLog();
    private ScheduledPacer pacer;
    private RecordingKvRequests requests;
    private Server server;
    private ManagedChannel channel;

    private void start(AccessRules rules) throws Exception {
        ShardLimits limits = ShardLimits.withBudget(8L << 20);
        pacer = new ScheduledPacer();
        requests = new RecordingKvRequests(AuthFixture.inMemoryPath(limits, clock::get, pacer));
        KvService kv = new KvService(requests, null, limits, rules, reason -> refusals.add(new Refusal("grpc", reason)));
        Map<String, Need> needs = Map.of(
                KvGrpc.getExecuteMethod().getFullMethodName(), Need.NOTHING,
                KvGrpc.getQueryMethod().getFullMethodName(), Need.NOTHING);
        GrpcCallerAuth callers = new GrpcCallerAuth(rules::get, new Authenticator(new Argon2Secrets()), null,
                System::currentTimeMillis, needs, Need.KEYS, reason -> refusals.add(new Refusal("grpc", reason)));
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(kv, callers)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    private void startEnabled() throws Exception {
        start(AuthFixture.rules(AuthFixture.ENABLED));
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (pacer != null) {
            pacer.close();
        }
    }

    // ---- (1) no credentials ----

    @Test
    void withoutCredentialsEveryKeyCallIsUnauthenticated() throws Exception {
        startEnabled();
        KvGrpc.KvBlockingStub anonymous = stub(null);
        assertStatus(Status.Code.UNAUTHENTICATED, () -> anonymous.get(get("app/x")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> anonymous.put(put("app/x", "v")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> anonymous.delete(delete("app/x")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> anonymous.batchGet(BatchGetRequest.newBuilder()
                .addKeys(bytes("app/x")).build()));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> anonymous.batchPut(batchPut("app/x", "v")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> anonymous.watchInvalidations(
                WatchInvalidationsRequest.newBuilder().addShardIds(0).build()).hasNext());
        assertTrue(requests.submitted.isEmpty(), "nothing reached the request path: " + requests.submitted);
        assertRefusals(6, new Refusal("grpc", "unauthenticated"));
    }

    // ---- (2) wrong credentials ----

    @Test
    void wrongUnknownMalformedOrExpiredCredentialsAreUnauthenticated() throws Exception {
        startEnabled();
        StatusRuntimeException wrong = assertStatus(Status.Code.UNAUTHENTICATED, () -> stub(ALICE_WRONG).get(get("app/x")));
        assertTrue(wrong.getStatus().getDescription().contains("invalid username-password"), wrong.getStatus().toString());
        assertFalse(wrong.getStatus().getDescription().contains("not-alice-password"), "the password is never echoed");
        assertStatus(Status.Code.UNAUTHENTICATED, () -> stub(ALICE_WRONG).put(put("app/x", "v")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> stub(AuthorizationHeader.basic("mallory", "x")).get(get("app/x")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> stub("Basic !!!").get(get("app/x")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> stub("Digest x").get(get("app/x")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> stub(AuthorizationHeader.bearer("rct_unknown")).get(get("app/x")));
        assertStatus(Status.Code.UNAUTHENTICATED,
                () -> stub(AuthorizationHeader.bearer(AuthFixture.EXPIRED_TOKEN)).get(get("app/x")));
        assertTrue(requests.submitted.isEmpty(), "nothing reached the request path: " + requests.submitted);
        assertRefusals(7, new Refusal("grpc", "unauthenticated"));
    }

    // ---- (3) a user with the right ----

    @Test
    void aUserWithTheRightReadsAndWritesItsPrefix() throws Exception {
        startEnabled();
        KvGrpc.KvBlockingStub alice = stub(ALICE);
        PutResponse put = alice.put(put("app/x", "v1"));
        assertFalse(put.hasError(), put.toString());
        assertTrue(put.getVersion() > 0, put.toString());
        GetResponse got = alice.get(get("app/x"));
        assertFalse(got.hasError(), got.toString());
        assertTrue(got.getFound());
        assertEquals("v1", got.getValue().getValue().toStringUtf8());
        GetResponse robReads = stub(ROB).get(get("app/x"));
        assertTrue(robReads.getFound(), "a read-only user reads: " + robReads);
        assertEquals("v1", robReads.getValue().getValue().toStringUtf8());

        BatchPutResponse batch = alice.batchPut(batchPut("app/a", "1", "app/b", "2"));
        assertEquals(2, batch.getResultsCount());
        batch.getResultsList().forEach(r -> assertFalse(r.hasError(), r.toString()));
        BatchGetResponse both = stub(ROB).batchGet(BatchGetRequest.newBuilder()
                .addKeys(bytes("app/a")).addKeys(bytes("app/b")).addKeys(bytes("app/none")).build());
        assertEquals(List.of("1", "2", ""), both.getResultsList().stream()
                .map(r -> r.getValue().getValue().toStringUtf8()).toList());
        assertFalse(both.getResults(2).getFound());
        assertTrue(alice.delete(delete("app/a")).getDeleted());
        assertFalse(alice.get(get("app/a")).getFound());
        assertRefusals(0, null);
    }

    // ---- (4) a user without the right on the key ----

    @Test
    void aKeyOutOfReachIsPermissionDenied() throws Exception {
        startEnabled();
        KvGrpc.KvBlockingStub rob = stub(ROB);
        KvGrpc.KvBlockingStub alice = stub(ALICE);
        StatusRuntimeException robPut = assertStatus(Status.Code.PERMISSION_DENIED, () -> rob.put(put("app/x", "v")));
        assertTrue(robPut.getStatus().getDescription().contains("rob"), robPut.getStatus().toString());
        assertStatus(Status.Code.PERMISSION_DENIED, () -> rob.delete(delete("app/x")));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> rob.touch(TouchRequest.newBuilder().setKey(bytes("app/x"))
                .setTtlMs(1000).build()));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> rob.compareAndSet(CompareAndSetRequest.newBuilder()
                .setKey(bytes("app/x")).setExpectAbsent(true).setNewValue(bytes("v")).build()));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> alice.get(get("other/x")));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> alice.put(put("other/x", "v")));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> alice.put(put("apple", "v"))); // "app/" is a byte prefix
        // A batch is refused key by key: the forbidden key gets a typed error, the others an answer.
        BatchGetResponse mixed = alice.batchGet(BatchGetRequest.newBuilder()
                .addKeys(bytes("app/x")).addKeys(bytes("other/x")).build());
        assertFalse(mixed.getResults(0).hasError(), mixed.toString());
        assertFalse(mixed.getResults(0).getFound());
        assertPermissionDenied(mixed.getResults(1).getError(), "other/x");
        // A watch carries every key of its shards: it needs read on the whole keyspace.
        assertStatus(Status.Code.PERMISSION_DENIED, () -> alice.watchInvalidations(
                WatchInvalidationsRequest.newBuilder().addShardIds(0).build()).hasNext());
        assertStatus(Status.Code.PERMISSION_DENIED, () -> stub(ROOT).get(get("app/x"))); // admin is no key right
        assertEquals(1, requests.submitted.size(), "only the batch's allowed key was read: " + requests.submitted);
        assertEquals(List.of("app/x"), keysOf(requests.submitted.get(0)));
        assertRefusals(10, new Refusal("grpc", "permission_denied"));
    }

    // ---- (5) a bearer token ----

    @Test
    void aBearerTokenSignsInAsItsUser() throws Exception {
        startEnabled();
        KvGrpc.KvBlockingStub token = stub(AuthorizationHeader.bearer(AuthFixture.ALICE_TOKEN));
        assertFalse(token.put(put("app/t", "by-token")).hasError());
        assertEquals("by-token", token.get(get("app/t")).getValue().getValue().toStringUtf8());
        assertStatus(Status.Code.PERMISSION_DENIED, () -> token.get(get("other/t")));
        assertRefusals(1, new Refusal("grpc", "permission_denied"));
    }

    // ---- (6) a refused write changes nothing ----

    @Test
    void aBatchPutRefusesItsForbiddenEntriesAndWritesNothingForThem() throws Exception {
        startEnabled();
        KvGrpc.KvBlockingStub alice = stub(ALICE);
        assertFalse(alice.batchPut(batchPut("app/a", "original", "app/b", "original")).getResults(0).hasError());
        int submittedBefore = requests.submitted.size();

        // One forbidden entry: it alone is refused, with a typed error; the allowed entries are written.
        BatchPutResponse mixed = alice.batchPut(batchPut("app/a", "changed", "other/x", "changed", "app/b", "changed"));
        assertEquals(3, mixed.getResultsCount());
        assertFalse(mixed.getResults(0).hasError(), mixed.toString());
        assertPermissionDenied(mixed.getResults(1).getError(), "other/x");
        assertFalse(mixed.getResults(2).hasError(), mixed.toString());
        List<String> written = new ArrayList<>();
        requests.writes().forEach(op -> written.addAll(keysOf(op)));
        assertFalse(written.contains("other/x"), "the refused entry was never submitted: " + written);
        assertNull(stored("other/x"), "and never written");
        int submittedAfterMixed = requests.submitted.size();
        assertTrue(submittedAfterMixed > submittedBefore);

        // Every entry forbidden: nothing is submitted at all.
        BatchPutResponse robBatch = stub(ROB).batchPut(batchPut("app/a", "by-rob", "app/b", "by-rob"));
        robBatch.getResultsList().forEach(r -> assertPermissionDenied(r.getError(), "rob"));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> stub(ROB).put(put("app/a", "by-rob")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> stub(null).put(put("app/a", "anonymous")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> stub(null).batchPut(batchPut("app/a", "anonymous")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> stub(ALICE_WRONG).batchPut(batchPut("app/a", "wrong")));
        assertEquals(submittedAfterMixed, requests.submitted.size(), "no refused call was submitted: " + requests.submitted);
        BatchGetResponse after = stub(ROB).batchGet(BatchGetRequest.newBuilder()
                .addKeys(bytes("app/a")).addKeys(bytes("app/b")).build());
        assertEquals(List.of("changed", "changed"), after.getResultsList().stream()
                .map(r -> r.getValue().getValue().toStringUtf8()).toList(), "alice's allowed entries, nobody else's");
        assertEquals(List.of(new Refusal("grpc", "permission_denied"), new Refusal("grpc", "permission_denied"),
                new Refusal("grpc", "permission_denied"), new Refusal("grpc", "permission_denied"),
                new Refusal("grpc", "unauthenticated"), new Refusal("grpc", "unauthenticated"),
                new Refusal("grpc", "unauthenticated")), List.copyOf(refusals));
    }

    // ---- (7) auth off ----

    @Test
    void withAuthOffEverythingWorksWithoutCredentials() throws Exception {
        start(AuthFixture.rules(AccessTable.EMPTY));
        KvGrpc.KvBlockingStub anonymous = stub(null);
        assertFalse(anonymous.put(put("other/x", "free")).hasError());
        assertEquals("free", anonymous.get(get("other/x")).getValue().getValue().toStringUtf8());
        BatchPutResponse batch = anonymous.batchPut(batchPut("a", "1", "b", "2"));
        batch.getResultsList().forEach(r -> assertFalse(r.hasError(), r.toString()));
        assertEquals(2, anonymous.batchGet(BatchGetRequest.newBuilder().addKeys(bytes("a")).addKeys(bytes("b")).build())
                .getResultsList().stream().filter(GetResponse::getFound).count());
        assertTrue(anonymous.delete(delete("a")).getDeleted());
        // Credentials are not even looked at while auth is off: wrong ones do no harm.
        assertEquals("free", stub(ALICE_WRONG).get(get("other/x")).getValue().getValue().toStringUtf8());
        assertEquals("free", stub("Basic !!!").get(get("other/x")).getValue().getValue().toStringUtf8());
        assertRefusals(0, null);
    }

    @Test
    void beforeTheFirstTableTheStoreFailsClosed() throws Exception {
        start(new AccessRules());
        assertStatus(Status.Code.UNAVAILABLE, () -> stub(ALICE).get(get("app/x")));
        assertStatus(Status.Code.UNAVAILABLE, () -> stub(null).put(put("app/x", "v")));
        assertTrue(requests.submitted.isEmpty(), "nothing reached the request path: " + requests.submitted);
        assertRefusals(0, null);
    }

    // ---- helpers ----

    /** What the store holds for {@code key}, read straight from the request path (no auth in the way). */
    private StoredValue stored(String key) throws Exception {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        ShardOutcome outcome = requests.submit(k, new ShardOp.Read(new Query.Get(k), Consistency.LINEARIZABLE),
                Routing.anyStore(5_000)).get(10, TimeUnit.SECONDS);
        return ((ResultCodec.Answer.Value) ((ShardOutcome.Answered) outcome).answer()).value();
    }

    /** The keys an operation names (Get, BatchGet, Put, BatchPut, possibly tagged). */
    private static List<String> keysOf(ShardOp op) {
        List<byte[]> keys = new ArrayList<>();
        if (op instanceof ShardOp.Read r) {
            if (r.query() instanceof Query.Get g) {
                keys.add(g.key());
            } else if (r.query() instanceof Query.BatchGet b) {
                keys.addAll(b.keys());
            }
        } else {
            Command c = ((ShardOp.Write) op).command();
            if (c instanceof Command.Tagged t) {
                c = t.command();
            }
            if (c instanceof Command.Put p) {
                keys.add(p.key());
            } else if (c instanceof Command.BatchPut b) {
                b.puts().forEach(p -> keys.add(p.key()));
            }
        }
        return keys.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
    }

    private static void assertPermissionDenied(io.ringcache.proto.v1.Error error, String mentioned) {
        assertTrue(error.hasPermissionDenied(), error.toString());
        assertTrue(error.getPermissionDenied().getMessage().contains(mentioned), error.toString());
    }

    private KvGrpc.KvBlockingStub stub(String authorization) {
        KvGrpc.KvBlockingStub stub = KvGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
        if (authorization == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, authorization);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static StatusRuntimeException assertStatus(Status.Code code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        return e;
    }

    private void assertRefusals(int n, Refusal expected) {
        List<Refusal> want = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            want.add(expected);
        }
        assertEquals(want, List.copyOf(refusals));
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static GetRequest get(String key) {
        return GetRequest.newBuilder().setKey(bytes(key)).build();
    }

    private static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    private static DeleteRequest delete(String key) {
        return DeleteRequest.newBuilder().setKey(bytes(key)).build();
    }

    /** A BatchPut of key, value, key, value... */
    private static BatchPutRequest batchPut(String... keyValues) {
        BatchPutRequest.Builder b = BatchPutRequest.newBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            b.addEntries(KeyValueWrite.newBuilder().setKey(bytes(keyValues[i])).setValue(bytes(keyValues[i + 1])));
        }
        return b.build();
    }
}
