package io.ringcache.node.adapter.http;

import static io.ringcache.node.adapter.http.HttpHarness.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server itself: pipelining in order, h2c, the in-flight bound, and clients that go away. */
@Timeout(60)
class HttpTransportTest {

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
    void pipelinedRequestsAreAnsweredInRequestOrderHoweverTheyComplete() throws IOException {
        http.put("/v1/kv/fast", "1");
        String three = "GET /v1/kv/slow HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /v1/kv/fast HTTP/1.1\r\nHost: x\r\n\r\n";
        List<String> replies = replies(ascii(three), 3);
        assertTrue(replies.get(0).startsWith("HTTP/1.1 404 "), replies.get(0));
        assertTrue(replies.get(1).startsWith("HTTP/1.1 200 ") && replies.get(1).endsWith("ok"), replies.get(1));
        assertTrue(replies.get(2).startsWith("HTTP/1.1 200 ") && replies.get(2).endsWith("1"), replies.get(2));
    }

    @Test
    void h2cByUpgradeServesTheSameApi() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> first = h2.send(HttpRequest.newBuilder(http.uri("/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode());
        assertEquals("ok", first.body());
        assertEquals(HttpClient.Version.HTTP_2, first.version());
        HttpResponse<String> put = h2.send(HttpRequest.newBuilder(http.uri("/v1/kv/h2"))
                .PUT(HttpRequest.BodyPublishers.ofString("two")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        HttpResponse<String> get = h2.send(HttpRequest.newBuilder(http.uri("/v1/kv/h2")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, get.version());
        assertEquals("two", get.body());
    }

    @Test
    void pastTheInFlightBoundAKeyValueRequestIs503WithRetryAfterAndHealthStillAnswers() {
        try (HttpHarness bounded = new HttpHarness(HttpSettings.defaults().withMaxInFlight(1))) {
            CompletableFuture<HttpResponse<String>> stuck = bounded.client.sendAsync(
                    HttpRequest.newBuilder(bounded.uri("/v1/kv/hang")).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Poll.until("the stuck request to arrive", () -> bounded.inFlight() == 1);
            HttpResponse<String> refused = bounded.get("/v1/kv/other");
            assertEquals(503, refused.statusCode());
            assertTrue(refused.body().startsWith("{\"error\":\"overloaded\""), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(200, bounded.get("/health").statusCode());
            stuck.cancel(true);
        }
    }

    @Test
    void aClientThatLeavesMidRequestChangesNothingAndTheServerGoesOn() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), http.port)) {
            socket.getOutputStream().write(ascii("PUT /v1/kv/partial HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-ten!!"));
            socket.getOutputStream().flush();
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), http.port)) {
            socket.getOutputStream().write(ascii("GET /v1/kv/slow HTTP/1.1\r\nHost: x\r\n\r\n"));
            socket.getOutputStream().flush(); // and leaves before the reply
        }
        assertEquals(200, http.get("/health").statusCode());
        assertTrue(http.kv.entries.isEmpty(), "a request cut short stored nothing");
    }

    /** Writes {@code request} and reads {@code count} replies, each as its head and body text. */
    private List<String> replies(byte[] request, int count) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), http.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            List<String> out = new ArrayList<>();
            Pattern length = Pattern.compile("(?i)content-length: (\\d+)");
            for (int i = 0; i < count; i++) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        throw new IOException("the connection closed after " + out.size() + " replies");
                    }
                    head.write(b);
                }
                String h = head.toString(StandardCharsets.ISO_8859_1);
                Matcher m = length.matcher(h);
                int n = m.find() ? Integer.parseInt(m.group(1)) : 0;
                out.add(h + new String(in.readNBytes(n), StandardCharsets.UTF_8));
            }
            return out;
        }
    }
}
