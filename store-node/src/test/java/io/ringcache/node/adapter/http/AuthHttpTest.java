package io.ringcache.node.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.node.adapter.auth.AuthFixture;
import io.ringcache.node.adapter.auth.AuthFixture.Refusal;
import io.ringcache.node.core.AccessRules;
import io.ringcache.placement.api.AuthorizationHeader;
import io.ringcache.placement.core.access.AccessTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Authentication and authorisation on the HTTP API, over a real server on 127.0.0.1 and a
 * {@link FakeKvRequests}: 401 with {@code WWW-Authenticate} for no or wrong credentials, 403 for
 * a user without the right, nothing sent to the request path for a refused request, the probes and
 * metrics open, the cluster view for any signed-in user, a mount for admins; and with auth off,
 * everything as before. Every refusal is counted by door and reason.
 */
@Timeout(60)
class AuthHttpTest {

    private static final String ALICE = AuthorizationHeader.basic("alice", AuthFixture.ALICE_PASSWORD);
    private static final String ROB = AuthorizationHeader.basic("rob", AuthFixture.ROB_PASSWORD);
    private static final String ROOT = AuthorizationHeader.basic("root", AuthFixture.ROOT_PASSWORD);
    private static final String ALICE_WRONG = AuthorizationHeader.basic("alice", "not-alice-password");
    private static final String NOBODY = AuthorizationHeader.basic("mallory", AuthFixture.ALICE_PASSWORD);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Refusal> refusals = AuthFixture.refusalLog();
    private FakeKvRequests kv;
    private HttpApi api;
    private int port;

    private void start(AccessRules rules) {
        kv = new FakeKvRequests();
        api = new HttpApi(kv, HttpSettings.defaults().withStopGrace(Duration.ZERO),
                () -> "{\"epoch\":7,\"stores\":[\"s1\"]}",
                (nodeId, addr, params) -> "joined",
                () -> true,
                () -> "# TYPE ringcache_up gauge\nringcache_up 1\n",
                Map.of("/debug", call -> HttpReply.text(200, "profiled")),
                AuthFixture.doorkeeper(rules, refusals));
        port = api.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private void startEnabled() {
        start(AuthFixture.rules(AuthFixture.ENABLED));
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    // ---- (1) no credentials ----

    @Test
    void withoutCredentialsKeyRequestsAre401WithAChallengeAndReachNothing() {
        startEnabled();
        for (HttpResponse<String> r : List.of(send("GET", "/v1/kv/app/x", null, null),
                send("PUT", "/v1/kv/app/x", null, "v"),
                send("DELETE", "/v1/kv/app/x", null, null),
                send("HEAD", "/v1/kv/app/x", null, null))) {
            assertUnauthorized(r);
        }
        HttpResponse<String> json = send("GET", "/v1/kv/app/x", null, null);
        assertUnauthorized(json);
        assertTrue(json.body().contains("\"unauthenticated\""), json.body());
        assertUnauthorized(send("GET", "/set?key=app/x&value=v", null, null));
        HttpResponse<String> seed = send("GET", "/get?key=app/x", null, null);
        assertUnauthorized(seed);
        assertTrue(seed.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"), "the seed's errors are text");
        assertTrue(kv.calls.isEmpty(), "nothing reached the request path: " + kv.calls);
        assertRefusals(7, new Refusal("http", "unauthenticated"));
    }

    // ---- (2) wrong credentials ----

    @Test
    void wrongOrUnknownOrMalformedCredentialsAre401() {
        startEnabled();
        assertUnauthorized(send("GET", "/v1/kv/app/x", ALICE_WRONG, null));
        assertUnauthorized(send("PUT", "/v1/kv/app/x", ALICE_WRONG, "v"));
        assertUnauthorized(send("GET", "/v1/kv/app/x", NOBODY, null));
        assertUnauthorized(send("GET", "/v1/kv/app/x", "Basic !!!not-base64", null));
        assertUnauthorized(send("GET", "/v1/kv/app/x", "Digest username=alice", null));
        assertUnauthorized(send("GET", "/v1/kv/app/x", AuthorizationHeader.bearer("rct_not-a-token"), null));
        assertUnauthorized(send("GET", "/v1/kv/app/x", AuthorizationHeader.bearer(AuthFixture.EXPIRED_TOKEN), null));
        // Wrong credentials are refused even where none are needed beyond sign-in, and on the mounts.
        assertUnauthorized(send("GET", "/v1/cluster", ALICE_WRONG, null));
        assertUnauthorized(send("GET", "/debug/pprof/profile", ALICE_WRONG, null));
        assertTrue(kv.calls.isEmpty(), "nothing reached the request path: " + kv.calls);
        assertRefusals(9, new Refusal("http", "unauthenticated"));
    }

    // ---- (3) a user with the right ----

    @Test
    void aUserWithTheRightReadsAndWritesItsPrefix() {
        startEnabled();
        HttpResponse<String> put = send("PUT", "/v1/kv/app/x", ALICE, "v1");
        assertEquals(200, put.statusCode(), put.body());
        assertTrue(put.body().contains("\"version\""), put.body());
        HttpResponse<String> get = send("GET", "/v1/kv/app/x", ALICE, null);
        assertEquals(200, get.statusCode(), get.body());
        assertEquals("v1", get.body());
        assertEquals(200, send("HEAD", "/v1/kv/app/x", ALICE, null).statusCode());
        HttpResponse<String> robReads = send("GET", "/v1/kv/app/x", ROB, null);
        assertEquals(200, robReads.statusCode(), "read-only role reads: " + robReads.body());
        assertEquals("v1", robReads.body());
        assertEquals(200, send("GET", "/set?key=app/seed&value=s", ALICE, null).statusCode());
        HttpResponse<String> seed = send("GET", "/get?key=app/seed", ROB, null);
        assertEquals(200, seed.statusCode(), seed.body());
        assertEquals("s", seed.body());
        HttpResponse<String> deleted = send("DELETE", "/v1/kv/app/seed", ALICE, null);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals(404, send("GET", "/v1/kv/app/seed", ALICE, null).statusCode(), "a missing key is still a 404");
        // A key not yet written, but in reach: the request path answers, not the doorkeeper.
        assertEquals(404, send("GET", "/v1/kv/app/never", ROB, null).statusCode());
        assertRefusals(0, null);
    }

    // ---- (4) a user without the right ----

    @Test
    void aUserWithoutTheRightOnTheKeyIs403() {
        startEnabled();
        assertForbidden(send("PUT", "/v1/kv/app/x", ROB, "v"), "rob");
        assertForbidden(send("DELETE", "/v1/kv/app/x", ROB, null), "rob");
        assertForbidden(send("GET", "/set?key=app/x&value=v", ROB, null), "rob");
        assertForbidden(send("GET", "/v1/kv/other/x", ALICE, null), "alice");
        assertForbidden(send("PUT", "/v1/kv/other/x", ALICE, "v"), "alice");
        assertForbidden(send("GET", "/get?key=other/x", ALICE, null), "alice");
        assertForbidden(send("GET", "/v1/kv/other/x", ROOT, null), "root"); // admin is not a key right
        // The prefix is a byte prefix: "app" alone, or "apple", is outside "app/".
        assertForbidden(send("PUT", "/v1/kv/app", ALICE, "v"), "alice");
        assertForbidden(send("PUT", "/v1/kv/apple", ALICE, "v"), "alice");
        HttpResponse<String> json = send("PUT", "/v1/kv/app/x", ROB, "v");
        assertTrue(json.body().contains("\"permission_denied\"") && json.body().contains("may not write"), json.body());
        assertFalse(json.headers().firstValue("WWW-Authenticate").isPresent(), "a 403 asks for no credentials");
        assertTrue(kv.calls.isEmpty(), "nothing reached the request path: " + kv.calls);
        assertRefusals(10, new Refusal("http", "permission_denied"));
    }

    // ---- (5) a bearer token ----

    @Test
    void aBearerTokenSignsInAsItsUser() {
        startEnabled();
        String token = AuthorizationHeader.bearer(AuthFixture.ALICE_TOKEN);
        assertEquals(200, send("PUT", "/v1/kv/app/t", token, "by-token").statusCode());
        HttpResponse<String> get = send("GET", "/v1/kv/app/t", token, null);
        assertEquals(200, get.statusCode(), get.body());
        assertEquals("by-token", get.body());
        assertForbidden(send("GET", "/v1/kv/other/t", token, null), "alice");
        assertEquals(200, send("GET", "/v1/cluster", token, null).statusCode());
        assertRefusals(1, new Refusal("http", "permission_denied"));
    }

    // ---- (6) a refused write changes nothing ----

    @Test
    void aRefusedWriteChangesNothing() {
        startEnabled();
        assertEquals(200, send("PUT", "/v1/kv/app/x", ALICE, "original").statusCode());
        int callsBefore = kv.calls.size();
        assertForbidden(send("PUT", "/v1/kv/app/x", ROB, "overwritten"), "rob");
        assertForbidden(send("DELETE", "/v1/kv/app/x", ROB, null), "rob");
        assertUnauthorized(send("PUT", "/v1/kv/app/x", null, "overwritten"));
        assertUnauthorized(send("PUT", "/v1/kv/app/x", ALICE_WRONG, "overwritten"));
        assertUnauthorized(send("GET", "/set?key=app/x&value=overwritten", null, null));
        assertEquals(callsBefore, kv.calls.size(), "no refused request was submitted: " + kv.calls);
        HttpResponse<String> get = send("GET", "/v1/kv/app/x", ALICE, null);
        assertEquals(200, get.statusCode());
        assertEquals("original", get.body());
        assertEquals(List.of(new Refusal("http", "permission_denied"), new Refusal("http", "permission_denied"),
                new Refusal("http", "unauthenticated"), new Refusal("http", "unauthenticated"),
                new Refusal("http", "unauthenticated")), List.copyOf(refusals));
    }

    // ---- open endpoints, the cluster view, admin mounts ----

    @Test
    void probesAndMetricsStayOpen() {
        startEnabled();
        assertEquals(200, send("GET", "/health", null, null).statusCode());
        assertEquals(200, send("GET", "/ready", null, null).statusCode());
        HttpResponse<String> metrics = send("GET", "/metrics", null, null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("ringcache_up 1"));
        // Even wrong credentials do not shut the probes (nothing checks them there).
        assertEquals(200, send("GET", "/health", ALICE_WRONG, null).statusCode());
        assertRefusals(0, null);
    }

    @Test
    void theClusterViewNeedsASignedInUser() {
        startEnabled();
        assertUnauthorized(send("GET", "/v1/cluster", null, null));
        for (String who : List.of(ALICE, ROB, ROOT)) {
            HttpResponse<String> cluster = send("GET", "/v1/cluster", who, null);
            assertEquals(200, cluster.statusCode(), cluster.body());
            assertTrue(cluster.body().contains("\"epoch\":7"), cluster.body());
        }
        assertRefusals(1, new Refusal("http", "unauthenticated"));
    }

    @Test
    void aMountNeedsAnAdmin() {
        startEnabled();
        assertUnauthorized(send("GET", "/debug/pprof/profile", null, null));
        HttpResponse<String> alice = send("GET", "/debug/pprof/profile", ALICE, null);
        assertEquals(403, alice.statusCode(), alice.body());
        assertTrue(alice.body().contains("alice") && alice.body().contains("admin"), alice.body());
        assertEquals(403, send("GET", "/debug", ROB, null).statusCode());
        HttpResponse<String> root = send("GET", "/debug/pprof/profile", ROOT, null);
        assertEquals(200, root.statusCode(), root.body());
        assertEquals("profiled", root.body());
        assertEquals(List.of(new Refusal("http", "unauthenticated"), new Refusal("http", "permission_denied"),
                new Refusal("http", "permission_denied")), List.copyOf(refusals));
    }

    // ---- (7) auth off ----

    @Test
    void withAuthOffEverythingWorksWithoutCredentials() {
        start(AuthFixture.rules(AccessTable.EMPTY));
        assertEquals(200, send("PUT", "/v1/kv/other/x", null, "free").statusCode());
        HttpResponse<String> get = send("GET", "/v1/kv/other/x", null, null);
        assertEquals(200, get.statusCode());
        assertEquals("free", get.body());
        assertEquals(200, send("GET", "/set?key=k&value=v", null, null).statusCode());
        assertEquals("v", send("GET", "/get?key=k", null, null).body());
        assertEquals(200, send("DELETE", "/v1/kv/other/x", null, null).statusCode());
        assertEquals(200, send("GET", "/v1/cluster", null, null).statusCode());
        assertEquals(200, send("GET", "/debug/pprof/profile", null, null).statusCode());
        assertEquals(200, send("GET", "/health", null, null).statusCode());
        // Credentials are not even looked at while auth is off: wrong ones do no harm.
        assertEquals(200, send("GET", "/v1/kv/k", ALICE_WRONG, null).statusCode());
        assertEquals(200, send("PUT", "/v1/kv/k", "Basic !!!", "w").statusCode());
        assertRefusals(0, null);
    }

    @Test
    void beforeTheFirstTableARequestWaitsForItThenIsJudgedByIt() throws Exception {
        AccessRules rules = new AccessRules(); // placement has not sent a table yet
        start(rules);
        assertEquals(200, send("GET", "/health", null, null).statusCode(), "probes do not wait");
        java.util.concurrent.CompletableFuture<HttpResponse<String>> anonymous =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> send("PUT", "/v1/kv/app/x", null, "v"));
        java.util.concurrent.CompletableFuture<HttpResponse<String>> alice =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> send("PUT", "/v1/kv/app/x", ALICE, "v"));
        Thread.sleep(200); // both are (very likely) waiting by now; the outcome is the same either way
        assertTrue(kv.calls.isEmpty(), "nothing reached the request path before the table: " + kv.calls);
        rules.learn(AuthFixture.ENABLED);
        assertEquals(401, anonymous.get().statusCode(), anonymous.get().body());
        assertEquals(200, alice.get().statusCode(), alice.get().body());
    }

    // ---- helpers ----

    private HttpResponse<String> send(String method, String pathAndQuery, String authorization, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertUnauthorized(HttpResponse<String> r) {
        assertEquals(401, r.statusCode(), r.request().method() + " " + r.uri() + ": " + r.body());
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(challenge.contains("Basic") && challenge.contains("Bearer"), "WWW-Authenticate: " + challenge);
    }

    private static void assertForbidden(HttpResponse<String> r, String user) {
        assertEquals(403, r.statusCode(), r.request().method() + " " + r.uri() + ": " + r.body());
        assertTrue(r.body().contains(user), r.body());
    }

    /** Exactly {@code n} refusals were counted so far, each {@code expected}. */
    private void assertRefusals(int n, Refusal expected) {
        List<Refusal> want = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            want.add(expected);
        }
        assertEquals(want, List.copyOf(refusals));
    }
}
