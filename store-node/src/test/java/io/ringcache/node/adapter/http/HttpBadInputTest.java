package io.ringcache.node.adapter.http;

import static io.ringcache.node.adapter.http.HttpHarness.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every bad input gets its status, and none reaches the store. */
class HttpBadInputTest {

    private HttpHarness http;

    @BeforeEach
    void start() {
        http = new HttpHarness();
    }

    @AfterEach
    void stop() {
        assertTrue(http.kv.calls.isEmpty(), () -> "a bad request reached the store: " + http.kv.calls);
        http.close();
    }

    @Test
    void aMissingKeyIs400() {
        for (String path : new String[] {"/v1/kv/", "/v1/kv"}) {
            HttpResponse<String> put = http.put(path, "v");
            assertEquals(400, put.statusCode(), path);
            assertEquals("{\"error\":\"invalid_argument\",\"message\":\"missing key\"}", put.body());
            assertEquals(400, http.get(path).statusCode());
        }
    }

    @Test
    void aKeyOverTheLimitIs413() {
        String key = "k".repeat(HttpSettings.DEFAULT_MAX_KEY_BYTES + 1);
        HttpResponse<String> put = http.put("/v1/kv/" + key, "v");
        assertEquals(413, put.statusCode());
        assertEquals("{\"error\":\"key_too_large\",\"message\":\"key of 4097 bytes exceeds the maximum of 4096\"}",
                put.body());
        assertEquals(413, http.get("/v1/kv/" + key).statusCode());
        assertEquals(413, http.send("DELETE", "/v1/kv/" + key).statusCode());
        // The limit counts the decoded bytes: 2049 two-byte characters are over it.
        assertEquals(413, http.get("/v1/kv/" + "%C3%A9".repeat(2049)).statusCode());
    }

    @Test
    @Timeout(30)
    void aDeclaredContentLengthOverTheLimitIs413BeforeTheBodyIsRead() throws IOException {
        String head = http.raw(ascii("PUT /v1/kv/big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + (2 * 1024 * 1024) + "\r\n\r\n"), ascii("tiny"));
        assertTrue(head.startsWith("HTTP/1.1 413 "), head);
        assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), head);
        assertEquals(200, http.get("/health").statusCode(), "the server goes on");
    }

    @Test
    @Timeout(30)
    void aChunkedBodyOverTheLimitIs413AtTheCap() throws IOException {
        int size = HttpSettings.DEFAULT_MAX_VALUE_BYTES + 1;
        byte[] chunk = new byte[size];
        String head = http.raw(ascii("PUT /v1/kv/big HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(size) + "\r\n"), chunk, ascii("\r\n"));
        assertTrue(head.startsWith("HTTP/1.1 413 "), head);
        assertEquals(200, http.get("/health").statusCode(), "the server goes on");
    }

    @Test
    void aBodyOverTheLimitSentByAClientIs413() {
        byte[] value = new byte[HttpSettings.DEFAULT_MAX_VALUE_BYTES + 1];
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(http.uri("/v1/kv/big"))
                .timeout(Duration.ofSeconds(20)).PUT(HttpRequest.BodyPublishers.ofByteArray(value)).build());
        assertEquals(413, put.statusCode());
        assertTrue(put.body().startsWith("{\"error\":\"value_too_large\""), put.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-5", "10x", "1.5s", "s", "5m-", "99999999999999999999", "9223372036854775807h"})
    void aMalformedTtlIs400(String ttl) {
        HttpResponse<String> put = http.put("/v1/kv/k?ttl=" + ttl, "v");
        assertEquals(400, put.statusCode(), ttl);
        assertTrue(put.body().startsWith("{\"error\":\"invalid_argument\",\"message\":\"invalid ttl"), put.body());
    }

    @Test
    void anUnknownPathIs404() {
        HttpResponse<String> text = http.get("/nope");
        assertEquals(404, text.statusCode());
        assertEquals("no such path: /nope", text.body());
        HttpResponse<String> json = http.get("/v1/nope");
        assertEquals(404, json.statusCode());
        assertEquals("{\"error\":\"not_found\",\"message\":\"no such path: /v1/nope\"}", json.body());
        assertEquals(404, http.get("/").statusCode());
    }

    @Test
    void aWrongMethodIs405WithAllow() {
        HttpResponse<String> post = http.send("POST", "/v1/kv/k", HttpRequest.BodyPublishers.ofString("v"));
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD, PUT, DELETE", post.headers().firstValue("Allow").orElseThrow());
        assertTrue(post.body().startsWith("{\"error\":\"method_not_allowed\""), post.body());

        for (String path : new String[] {"/health", "/ready", "/metrics", "/v1/cluster"}) {
            HttpResponse<String> wrong = http.send("DELETE", path);
            assertEquals(405, wrong.statusCode(), path);
            assertEquals("GET, HEAD", wrong.headers().firstValue("Allow").orElseThrow(), path);
        }
    }

    @Test
    void malformedRequestsDoNotStopTheServer() throws IOException {
        String badEscape = http.raw(ascii("GET /v1/kv/%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertTrue(badEscape.startsWith("HTTP/1.1 400 "), badEscape);
        String badQuery = http.raw(ascii("GET /get?key=%e HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertTrue(badQuery.startsWith("HTTP/1.1 400 "), badQuery);
        http.raw(ascii("HELLO\r\n\r\n"));
        http.raw(ascii("GET / HTTP/1.1\r\nContent-Length: nope\r\n\r\n"));
        http.raw(new byte[] {0, 1, 2, (byte) 0xff, '\r', '\n', '\r', '\n'});
        assertEquals(200, http.get("/health").statusCode());
    }
}
