package io.ringcache.node.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The request path's failures become HTTP statuses; none changes state. */
class HttpErrorMappingTest {

    private HttpHarness http;

    @BeforeEach
    void start() {
        http = new HttpHarness();
    }

    @AfterEach
    void stop() {
        assertTrue(http.kv.entries.isEmpty(), "a failed request stored something");
        http.close();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "not_leader,         503, true",
        "stale_epoch,        503, true",
        "shard_not_found,    503, true",
        "unavailable,        503, true",
        "key_too_large,      413, false",
        "value_too_large,    413, false",
        "invalid_argument,   400, false",
        "resource_exhausted, 507, false"})
    void typedErrorsMapToStatuses(String kind, int status, boolean retry) {
        String path = "/v1/kv/error:" + kind;
        for (HttpResponse<String> reply : List.of(http.get(path), http.put(path, "v"), http.send("DELETE", path))) {
            assertEquals(status, reply.statusCode(), reply.request().method() + " " + kind);
            assertTrue(reply.body().startsWith("{\"error\":\"" + kind + "\",\"message\":\""), reply.body());
            assertEquals(retry, reply.headers().firstValue("Retry-After").isPresent());
            if (retry) {
                assertEquals("1", reply.headers().firstValue("Retry-After").orElseThrow());
            }
        }
        HttpResponse<String> seed = http.get("/get?key=" + URLEncoder.encode("error:" + kind, StandardCharsets.UTF_8));
        assertEquals(status, seed.statusCode());
        assertFalse(seed.body().startsWith("{"), "the seed paths answer text: " + seed.body());
        assertEquals(status, http.get("/set?value=v&key=error:" + kind).statusCode());
    }

    @Test
    void messagesOfTypedErrorsAreCarried() {
        assertEquals("{\"error\":\"resource_exhausted\",\"message\":\"shard 1 is over its budget of 1024 bytes\"}",
                http.put("/v1/kv/error:resource_exhausted", "v").body());
        assertEquals("{\"error\":\"invalid_argument\",\"message\":\"bad \\\"thing\\\"\"}",
                http.put("/v1/kv/error:invalid_argument", "v").body());
        assertEquals("shard 1 is over its budget of 1024 bytes",
                http.get("/set?value=v&key=error:resource_exhausted").body());
        assertEquals("no leader", http.get("/get?key=error:unavailable").body());
    }

    @Test
    void aRequestPathThatBreaksItsContractIs500AndTheServerGoesOn() {
        HttpResponse<String> reply = http.get("/v1/kv/broken");
        assertEquals(500, reply.statusCode());
        assertTrue(reply.body().startsWith("{\"error\":\"internal\""), reply.body());
        assertFalse(reply.headers().firstValue("Retry-After").isPresent());
        assertEquals(500, http.put("/v1/kv/broken", "v").statusCode());
        assertEquals(200, http.get("/health").statusCode());
    }

    @Test
    void aCallPastItsDeadlineIs503() {
        try (HttpHarness quick = new HttpHarness(HttpSettings.defaults().withKvDeadline(Duration.ofMillis(50)))) {
            HttpResponse<String> reply = quick.get("/v1/kv/hang");
            assertEquals(503, reply.statusCode());
            assertTrue(reply.body().startsWith("{\"error\":\"deadline_exceeded\""), reply.body());
            assertEquals("1", reply.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(200, quick.get("/health").statusCode());
        }
    }
}
