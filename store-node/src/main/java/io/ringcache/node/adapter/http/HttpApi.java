package io.ringcache.node.adapter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.ringcache.proto.v1.KvGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store node's HTTP API on the JDK's {@link HttpServer}: the seed prototype's {@code /set},
 * {@code /get} and {@code /join}, the REST {@code /v1/kv/{key}} and {@code /v1/cluster}, and the
 * operational {@code /health}, {@code /ready} and {@code /metrics}; further handlers (the profiling
 * endpoints under {@code /debug}) can be mounted on their own path prefixes.
 *
 * <p>Key-value requests go to the node's own KV gRPC service (a stub over an in-process channel),
 * asking it to forward, so any node serves any key. Errors are JSON under {@code /v1/} and plain
 * text elsewhere, as in the seed. No input ends the server: a failing exchange is answered and closed.
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String KV_PREFIX = "/v1/kv/";
    private static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpSettings settings;
    private final KvRoutes kv;
    private final Supplier<String> clusterJson;
    private final Supplier<Boolean> ready;
    private final Supplier<String> metrics;
    private final Map<String, HttpHandler> mounts;

    static {
        // The JDK server writes a reply's headers and body in separate segments; with Nagle on, each reply
        // then waits for the client's delayed ACK (~40 ms). Read once, when the server's classes load.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private HttpServer server;
    private ExecutorService executor;

    public HttpApi(KvGrpc.KvBlockingStub kv, HttpSettings settings, Supplier<String> clusterJson, JoinHandler join,
                   Supplier<Boolean> ready, Supplier<String> metrics) {
        this(kv, settings, clusterJson, join, ready, metrics, Map.of());
    }

    /**
     * @param mounts handlers served on their own path prefixes (e.g. {@code "/debug"}), by the same
     *               workers; each answers and closes its exchanges itself
     */
    public HttpApi(KvGrpc.KvBlockingStub kv, HttpSettings settings, Supplier<String> clusterJson, JoinHandler join,
                   Supplier<Boolean> ready, Supplier<String> metrics, Map<String, HttpHandler> mounts) {
        this.mounts = Map.copyOf(Objects.requireNonNull(mounts, "mounts"));
        this.mounts.keySet().forEach(prefix -> {
            if (!prefix.startsWith("/") || prefix.length() < 2) {
                throw new IllegalArgumentException("a mount's prefix must be a path below /: " + prefix);
            }
        });
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kv = new KvRoutes(new KvCalls(Objects.requireNonNull(kv, "kv"), settings.kvDeadline()), settings,
                Objects.requireNonNull(join, "join"));
        this.clusterJson = Objects.requireNonNull(clusterJson, "clusterJson");
        this.ready = Objects.requireNonNull(ready, "ready");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Binds and starts serving; returns the bound port (useful with port 0). */
    public synchronized int start(InetSocketAddress address) {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        HttpServer created;
        try {
            created = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the HTTP API to " + address, e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), threads());
        created.createContext("/", this::handle);
        mounts.forEach(created::createContext);
        created.setExecutor(pool);
        created.start();
        server = created;
        executor = pool;
        LOG.info("HTTP API listening on {}", created.getAddress());
        return created.getAddress().getPort();
    }

    /** Stops accepting, lets running exchanges finish for up to the stop grace, and ends the workers. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.stop((int) Math.min(Integer.MAX_VALUE, (settings.stopGrace().toMillis() + 999) / 1000));
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
        executor = null;
    }

    private void handle(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        if (path == null) {
            path = "";
        }
        boolean json = path.startsWith("/v1/");
        try {
            route(exchange, path);
        } catch (HttpError e) {
            if (e.status() == 500) {
                LOG.warn("{} {} -> {} {}: {}", exchange.getRequestMethod(), path, e.status(), e.kind(), e.getMessage());
            } else {
                LOG.debug("{} {} -> {} {}: {}", exchange.getRequestMethod(), path, e.status(), e.kind(), e.getMessage());
            }
            reply(exchange, e, json);
        } catch (IOException e) {
            LOG.debug("{} {}: connection failed: {}", exchange.getRequestMethod(), path, e.toString());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", exchange.getRequestMethod(), path, e);
            reply(exchange, new HttpError(500, "internal", "internal error: " + e.getClass().getSimpleName()), json);
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange, String path) throws IOException {
        if (path.startsWith(KV_PREFIX)) {
            kv.rest(exchange, path.substring(KV_PREFIX.length()));
            return;
        }
        switch (path) {
            case "/set" -> kv.seedSet(exchange);
            case "/get" -> kv.seedGet(exchange);
            case "/join" -> kv.seedJoin(exchange);
            case "/v1/kv" -> {
                HttpIo.allow(exchange, "GET", "HEAD", "PUT", "DELETE");
                throw HttpError.badRequest("missing key");
            }
            case "/v1/cluster" -> {
                HttpIo.allow(exchange, "GET", "HEAD");
                HttpIo.sendJson(exchange, 200, clusterJson.get());
            }
            case "/health" -> {
                HttpIo.allow(exchange, "GET", "HEAD");
                HttpIo.sendText(exchange, 200, "ok");
            }
            case "/ready" -> {
                HttpIo.allow(exchange, "GET", "HEAD");
                if (isReady()) {
                    HttpIo.sendText(exchange, 200, "ready");
                } else {
                    HttpIo.sendText(exchange, 503, "not ready");
                }
            }
            case "/metrics" -> {
                HttpIo.allow(exchange, "GET", "HEAD");
                HttpIo.send(exchange, 200, METRICS, metrics.get().getBytes(StandardCharsets.UTF_8));
            }
            default -> throw HttpError.notFound("no such path: " + path);
        }
    }

    private boolean isReady() {
        try {
            return Boolean.TRUE.equals(ready.get());
        } catch (RuntimeException e) {
            LOG.warn("readiness check failed: {}", e.toString());
            return false;
        }
    }

    private static void reply(HttpExchange exchange, HttpError error, boolean json) {
        if (exchange.getResponseCode() != -1) {
            return; // the reply had begun; closing the exchange is all that is left
        }
        try {
            HttpIo.sendError(exchange, error, json);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot send the error reply: {}", e.toString());
        }
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "http-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
