package io.ringcache.node.adapter.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** A real HTTP API on 127.0.0.1 over a {@link FakeKvRequests}, and a client for it. */
final class HttpHarness implements AutoCloseable {

    record Join(String nodeId, String addr, Map<String, String> params) {
    }

    final FakeKvRequests kv = new FakeKvRequests();
    final AtomicBoolean ready = new AtomicBoolean();
    final AtomicReference<String> cluster = new AtomicReference<>("{\"epoch\":7,\"stores\":[\"s1\"]}");
    final List<Join> joins = new CopyOnWriteArrayList<>();
    final Map<String, RuntimeException> joinFailures = new ConcurrentHashMap<>();
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final int port;

    private final HttpApi api;

    HttpHarness() {
        this(HttpSettings.defaults());
    }

    HttpHarness(HttpSettings settings) {
        api = new HttpApi(kv, settings.withStopGrace(Duration.ZERO),
                () -> {
                    String json = cluster.get();
                    if (json == null) {
                        throw new IllegalStateException("no partition map yet");
                    }
                    return json;
                },
                (nodeId, addr, params) -> {
                    RuntimeException failure = joinFailures.get(nodeId);
                    if (failure != null) {
                        throw failure;
                    }
                    joins.add(new Join(nodeId, addr, params));
                    return "joined";
                },
                ready::get,
                () -> "# TYPE ringcache_up gauge\nringcache_up 1\n");
        port = api.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Key-value requests the server has in progress. */
    int inFlight() {
        return api.inFlight();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    HttpResponse<String> send(String method, String pathAndQuery, HttpRequest.BodyPublisher body) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20))
                .method(method, body).build());
    }

    HttpResponse<String> send(String method, String pathAndQuery) {
        return send(method, pathAndQuery, HttpRequest.BodyPublishers.noBody());
    }

    HttpResponse<String> get(String pathAndQuery) {
        return send("GET", pathAndQuery);
    }

    HttpResponse<String> put(String pathAndQuery, String body) {
        return send("PUT", pathAndQuery, HttpRequest.BodyPublishers.ofString(body));
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code request} on a plain socket and returns the reply's status line and headers,
     * read within 5 s; the socket stays open until then, so nothing more of the request is sent.
     */
    String raw(byte[]... request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            for (byte[] part : request) {
                out.write(part);
            }
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                head.append((char) b);
                if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                    break;
                }
            }
            return head.toString();
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        api.close();
    }
}
