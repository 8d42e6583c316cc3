package io.ringcache.node.adapter.http;

import io.ringcache.node.adapter.auth.Doorkeeper;
import io.ringcache.placement.core.access.Principal;
import io.ringcache.placement.core.access.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route table of the HTTP API. Key-value routes run on the transport thread and return at
 * once (their work is asynchronous); everything that may block runs on {@code blocking}. Errors
 * are JSON under {@code /v1/} and plain text elsewhere, as in the seed.
 */
final class HttpRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);
    private static final String KV_PREFIX = "/v1/kv/";
    private static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";

    private final KvRoutes kv;
    private final Supplier<String> clusterJson;
    private final Supplier<Boolean> ready;
    private final Supplier<String> metrics;
    private final Map<String, BlockingHttpHandler> mounts;
    private final Executor blocking;
    private final Doorkeeper doorkeeper;

    HttpRoutes(KvRoutes kv, Supplier<String> clusterJson, Supplier<Boolean> ready, Supplier<String> metrics,
               Map<String, BlockingHttpHandler> mounts, Executor blocking, Doorkeeper doorkeeper) {
        this.doorkeeper = doorkeeper;
        this.kv = kv;
        this.clusterJson = clusterJson;
        this.ready = ready;
        this.metrics = metrics;
        this.mounts = mounts;
        this.blocking = blocking;
    }

    Doorkeeper doorkeeper() {
        return doorkeeper;
    }

    /**
     * Whether a request to {@code path} must show who sends it while auth is on: all but the
     * probes and metrics (open, as etcd's), and /join (a member's certificate guards it).
     */
    static boolean needsCaller(String path) {
        return !(path.equals("/health") || path.equals("/ready") || path.equals("/metrics") || path.equals("/join"));
    }

    /** The reply to {@code call}; never completes exceptionally. */
    CompletableFuture<HttpReply> reply(HttpCall call) {
        CompletableFuture<HttpReply> reply;
        try {
            reply = route(call);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.exceptionally(error -> failed(call, error));
    }

    private CompletableFuture<HttpReply> route(HttpCall call) {
        String path = call.path();
        if (path.startsWith(KV_PREFIX)) {
            return kv.rest(call, path.substring(KV_PREFIX.length()));
        }
        switch (path) {
            case "/set":
                return kv.seedSet(call);
            case "/get":
                return kv.seedGet(call);
            case "/join":
                return offLoop(call, kv::seedJoin);
            case "/v1/kv":
                call.allow("GET", "HEAD", "PUT", "DELETE");
                throw HttpError.badRequest("missing key");
            case "/v1/cluster":
                call.allow("GET", "HEAD");
                allowed(call, doorkeeper.signedIn("http", call.caller()));
                return offLoop(call, c -> HttpReply.json(200, clusterJson.get()));
            case "/health":
                call.allow("GET", "HEAD");
                return CompletableFuture.completedFuture(HttpReply.text(200, "ok"));
            case "/ready":
                call.allow("GET", "HEAD");
                return offLoop(call, c -> isReady() ? HttpReply.text(200, "ready") : HttpReply.text(503, "not ready"));
            case "/metrics":
                call.allow("GET", "HEAD");
                return offLoop(call, c -> HttpReply.bytes(200, METRICS, metrics.get().getBytes(StandardCharsets.UTF_8)));
            default:
                for (Map.Entry<String, BlockingHttpHandler> mount : mounts.entrySet()) {
                    if (path.equals(mount.getKey()) || path.startsWith(mount.getKey() + "/")) {
                        // Profiling and hot keys: operators' tools, for admins while auth is on.
                        allowed(call, doorkeeper.admin("http", call.caller()));
                        return offLoop(call, mount.getValue());
                    }
                }
                throw HttpError.notFound("no such path: " + path);
        }
    }

    private static void allowed(HttpCall call, Verdict verdict) {
        if (verdict == Verdict.UNAUTHENTICATED) {
            throw HttpError.unauthorized("authentication required: send Basic or Bearer credentials");
        }
        if (verdict == Verdict.DENIED) {
            throw HttpError.forbidden("user " + ((Principal.Named) call.caller()).user() + " may not use " + call.path()
                    + ": it needs a role with admin");
        }
    }

    private CompletableFuture<HttpReply> offLoop(HttpCall call, BlockingHttpHandler handler) {
        CompletableFuture<HttpReply> reply = new CompletableFuture<>();
        try {
            blocking.execute(() -> {
                try {
                    reply.complete(handler.handle(call));
                } catch (Throwable e) {
                    reply.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) {
            reply.completeExceptionally(HttpError.unavailable("unavailable", "the node is stopping"));
        }
        return reply;
    }

    private boolean isReady() {
        try {
            return Boolean.TRUE.equals(ready.get());
        } catch (RuntimeException e) {
            LOG.warn("readiness check failed: {}", e.toString());
            return false;
        }
    }

    private static HttpReply failed(HttpCall call, Throwable error) {
        Throwable cause = error;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        boolean json = call.path().startsWith("/v1/");
        if (cause instanceof HttpError e) {
            if (e.status() == 500) {
                LOG.warn("{} {} -> {} {}: {}", call.method(), call.path(), e.status(), e.kind(), e.getMessage());
            }
            return e.reply(json);
        }
        LOG.error("{} {} failed", call.method(), call.path(), cause);
        return new HttpError(500, "internal", "internal error: " + cause.getClass().getSimpleName()).reply(json);
    }
}
