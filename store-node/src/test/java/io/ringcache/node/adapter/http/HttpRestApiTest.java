package io.ringcache.node.adapter.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API: /v1/kv/{key} with versions, and /v1/cluster. */
class HttpRestApiTest {

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
    void putGetHeadDeleteWithVersions() {
        HttpResponse<String> first = http.put("/v1/kv/hello", "world");
        assertEquals(200, first.statusCode());
        assertEquals("application/json; charset=utf-8", first.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"version\":131072,\"previous_version\":0}", first.body());
        assertEquals("131072", first.headers().firstValue("X-Ringcache-Version").orElseThrow());

        HttpResponse<String> second = http.put("/v1/kv/hello", "there");
        assertEquals("{\"version\":196608,\"previous_version\":131072}", second.body());

        HttpResponse<String> get = http.get("/v1/kv/hello");
        assertEquals(200, get.statusCode());
        assertEquals("there", get.body());
        assertEquals("application/octet-stream", get.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("196608", get.headers().firstValue("X-Ringcache-Version").orElseThrow());
        assertFalse(get.headers().firstValue("X-Ringcache-Expires-At").isPresent(), "no expiry, no header");

        HttpResponse<String> head = http.send("HEAD", "/v1/kv/hello");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("application/octet-stream", head.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("196608", head.headers().firstValue("X-Ringcache-Version").orElseThrow());

        HttpResponse<String> deleted = http.send("DELETE", "/v1/kv/hello");
        assertEquals(200, deleted.statusCode());
        assertEquals("{\"deleted\":true}", deleted.body());
        assertEquals("{\"deleted\":false}", http.send("DELETE", "/v1/kv/hello").body());

        HttpResponse<String> gone = http.get("/v1/kv/hello");
        assertEquals(404, gone.statusCode());
        assertEquals("{\"error\":\"not_found\",\"message\":\"key not found\"}", gone.body());
        assertEquals(404, http.send("HEAD", "/v1/kv/hello").statusCode());
    }

    @Test
    void ttlSetsTheExpiryHeaderAndTheKeyExpires() {
        long now = http.kv.clock.get();
        assertEquals(200, http.put("/v1/kv/s?ttl=10s", "v").statusCode());
        HttpResponse<String> get = http.get("/v1/kv/s");
        assertEquals(Long.toString(now + 10_000), get.headers().firstValue("X-Ringcache-Expires-At").orElseThrow());
        assertEquals(Long.toString(now + 10_000),
                http.send("HEAD", "/v1/kv/s").headers().firstValue("X-Ringcache-Expires-At").orElseThrow());

        assertEquals(200, http.put("/v1/kv/t?ttl=30", "v").statusCode());
        assertEquals(now + 30_000, http.kv.entries.get("t").expiresAt());

        http.kv.clock.addAndGet(10_000);
        assertEquals(404, http.get("/v1/kv/s").statusCode());
        assertEquals(200, http.get("/v1/kv/t").statusCode());
    }

    @Test
    void pathKeysArePercentDecodedAsUtf8() {
        assertEquals(200, http.put("/v1/kv/a%2Fb%20c%C3%A9+d", "v").statusCode());
        assertTrue(http.kv.entries.containsKey("a/b cé+d"), http.kv.entries.keySet()::toString);
        assertEquals("v", http.get("/v1/kv/a%2fb%20c%c3%a9+d").body());

        assertEquals(200, http.put("/v1/kv/users/42/name", "ann").statusCode());
        assertTrue(http.kv.entries.containsKey("users/42/name"));
    }

    @Test
    void binaryValuesRoundTrip() throws IOException, InterruptedException {
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        http.send("PUT", "/v1/kv/bin", HttpRequest.BodyPublishers.ofByteArray(value));
        HttpResponse<byte[]> get = http.client.send(HttpRequest.newBuilder(http.uri("/v1/kv/bin")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(value, get.body());
    }

    @Test
    void aValueOfExactlyTheLimitIsAccepted() throws IOException, InterruptedException {
        byte[] value = new byte[HttpSettings.DEFAULT_MAX_VALUE_BYTES];
        value[value.length - 1] = 'z';
        assertEquals(200, http.send("PUT", "/v1/kv/max", HttpRequest.BodyPublishers.ofByteArray(value)).statusCode());
        assertEquals(value.length, http.kv.entries.get("max").value().length);

        // The same size without a Content-Length (chunked) is accepted too.
        HttpRequest chunked = HttpRequest.newBuilder(http.uri("/v1/kv/max2")).timeout(Duration.ofSeconds(20))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(value))).build();
        assertEquals(200, http.client.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(value.length, http.kv.entries.get("max2").value().length);
    }

    @Test
    void anEmptyBodyStoresAnEmptyValue() {
        assertEquals(200, http.put("/v1/kv/empty", "").statusCode());
        HttpResponse<String> get = http.get("/v1/kv/empty");
        assertEquals(200, get.statusCode());
        assertEquals("", get.body());
    }

    @Test
    void clusterIsTheSuppliersJson() {
        HttpResponse<String> cluster = http.get("/v1/cluster");
        assertEquals(200, cluster.statusCode());
        assertEquals("application/json; charset=utf-8", cluster.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"epoch\":7,\"stores\":[\"s1\"]}", cluster.body());
    }

    @Test
    void aFailingSupplierAnswers500AndTheServerGoesOn() {
        http.cluster.set(null);
        HttpResponse<String> cluster = http.get("/v1/cluster");
        assertEquals(500, cluster.statusCode());
        assertEquals("{\"error\":\"internal\",\"message\":\"internal error: IllegalStateException\"}", cluster.body());
        http.cluster.set("{}");
        assertEquals("{}", http.get("/v1/cluster").body());
        assertEquals("ok", http.get("/health").body());
    }
}
