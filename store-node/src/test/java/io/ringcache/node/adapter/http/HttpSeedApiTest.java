package io.ringcache.node.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The seed prototype's API, unchanged: /set, /get, /join with plain-text replies. */
class HttpSeedApiTest {

    private HttpHarness http;

    @BeforeEach
    void start() {
        http = new HttpHarness();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void walkThroughOfTheSeedReadme() {
        HttpResponse<String> set = http.get("/set?key=hello&value=world");
        assertEquals(200, set.statusCode());
        assertEquals("ok", set.body());
        assertEquals("text/plain; charset=utf-8", set.headers().firstValue("Content-Type").orElseThrow());

        HttpResponse<String> get = http.get("/get?key=hello");
        assertEquals(200, get.statusCode());
        assertEquals("world", get.body());
        assertEquals("text/plain; charset=utf-8", get.headers().firstValue("Content-Type").orElseThrow());

        HttpResponse<String> missing = http.get("/get?key=nope");
        assertEquals(404, missing.statusCode());
        assertEquals("not found", missing.body());
    }

    @Test
    void setWithTtlInSecondsExpires() {
        assertEquals(200, http.get("/set?key=session&value=abc&ttl=30").statusCode());
        long now = http.kv.clock.get();
        assertEquals(now + 30_000, http.kv.entries.get("session").expiresAt());
        assertEquals("abc", http.get("/get?key=session").body());

        http.kv.clock.addAndGet(30_000);
        HttpResponse<String> expired = http.get("/get?key=session");
        assertEquals(404, expired.statusCode());
        assertEquals("not found", expired.body());
    }

    @ParameterizedTest
    @CsvSource({"10s,10000", "500ms,500", "5m,300000", "1h,3600000", "1h30m,5400000", "0,0"})
    void setAcceptsDurationsAsTtl(String ttl, long millis) {
        assertEquals(200, http.get("/set?key=k&value=v&ttl=" + ttl).statusCode());
        long expiresAt = http.kv.entries.get("k").expiresAt();
        assertEquals(millis == 0 ? 0 : http.kv.clock.get() + millis, expiresAt);
    }

    @Test
    void valuesAndKeysAreFormDecodedAsUtf8() {
        String value = "a b&c=d é ☃";
        String q = "/set?key=" + URLEncoder.encode("k é", StandardCharsets.UTF_8)
                + "&value=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
        assertEquals(200, http.get(q).statusCode());
        assertEquals(value, http.get("/get?key=k+%C3%A9").body());
    }

    @Test
    void setWithoutValueStoresAnEmptyValue() {
        assertEquals("ok", http.get("/set?key=empty").body());
        HttpResponse<String> get = http.get("/get?key=empty");
        assertEquals(200, get.statusCode());
        assertEquals("", get.body());
    }

    @Test
    void everyKvCallAsksToForwardAndCarriesADeadline() {
        http.get("/set?key=a&value=1");
        http.get("/get?key=a");
        http.put("/v1/kv/a", "2");
        http.send("DELETE", "/v1/kv/a");
        assertEquals(4, http.kv.calls.size());
        for (FakeKvRequests.Call call : http.kv.calls) {
            assertTrue(call.routing().forward(), call.method() + " must forward");
            long budget = call.routing().budgetMillis();
            assertTrue(budget > 0 && budget <= 10_000, "budget " + budget + " ms");
        }
    }

    @Test
    void joinAnswersJoinedAndPassesTheParameters() {
        HttpResponse<String> join = http.get("/join?node_id=node2&addr=127.0.0.1:11002&zone=b&weight=3");
        assertEquals(200, join.statusCode());
        assertEquals("joined", join.body());
        assertEquals(1, http.joins.size());
        HttpHarness.Join j = http.joins.get(0);
        assertEquals("node2", j.nodeId());
        assertEquals("127.0.0.1:11002", j.addr());
        assertEquals(Map.of("zone", "b", "weight", "3"), j.params());
    }

    @Test
    void joinWithoutNodeIdOrAddrIsABadRequest() {
        HttpResponse<String> noId = http.get("/join?addr=127.0.0.1:11002");
        assertEquals(400, noId.statusCode());
        assertEquals("missing node_id", noId.body());
        HttpResponse<String> noAddr = http.get("/join?node_id=node2");
        assertEquals(400, noAddr.statusCode());
        assertEquals("missing addr", noAddr.body());
        assertTrue(http.joins.isEmpty());
    }

    @Test
    void joinRefusalsMapTo400And503() {
        http.joinFailures.put("bad", new IllegalArgumentException("node id taken"));
        http.joinFailures.put("later", new IllegalStateException("not the leader"));

        HttpResponse<String> bad = http.get("/join?node_id=bad&addr=x:1");
        assertEquals(400, bad.statusCode());
        assertEquals("node id taken", bad.body());

        HttpResponse<String> later = http.get("/join?node_id=later&addr=x:1");
        assertEquals(503, later.statusCode());
        assertEquals("not the leader", later.body());
        assertEquals("1", later.headers().firstValue("Retry-After").orElseThrow());
    }

    @Test
    void seedErrorsArePlainText() {
        HttpResponse<String> noKey = http.get("/set?value=v");
        assertEquals(400, noKey.statusCode());
        assertEquals("missing key", noKey.body());
        assertEquals("text/plain; charset=utf-8", noKey.headers().firstValue("Content-Type").orElseThrow());

        assertEquals(400, http.get("/get").statusCode());
        assertEquals(400, http.get("/get?key=").statusCode());

        HttpResponse<String> badTtl = http.get("/set?key=k&value=v&ttl=soon");
        assertEquals(400, badTtl.statusCode());
        assertTrue(badTtl.body().startsWith("invalid ttl 'soon'"), badTtl.body());

        HttpResponse<String> longKey = http.get("/set?value=v&key=" + "k".repeat(4097));
        assertEquals(413, longKey.statusCode());
        assertFalse(longKey.body().startsWith("{"));

        HttpResponse<String> wrong = http.send("DELETE", "/get?key=k");
        assertEquals(405, wrong.statusCode());
        assertEquals("GET", wrong.headers().firstValue("Allow").orElseThrow());
        assertEquals("GET, POST", http.send("PUT", "/set?key=k").headers().firstValue("Allow").orElseThrow());

        assertTrue(http.kv.calls.isEmpty(), "no bad request reaches the store");
    }

    @Test
    void seedValueOverTheLimitIs413() {
        try (HttpHarness small = new HttpHarness(new HttpSettings(8, 16))) {
            assertEquals(200, small.get("/set?key=k&value=" + "v".repeat(16)).statusCode());
            HttpResponse<String> big = small.get("/set?key=k&value=" + "v".repeat(17));
            assertEquals(413, big.statusCode());
            assertEquals("value of 17 bytes exceeds the maximum of 16", big.body());
            assertEquals(413, small.get("/set?value=v&key=" + "k".repeat(9)).statusCode());
            assertEquals(1, small.kv.calls.size());
        }
    }
}
