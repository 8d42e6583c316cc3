package io.ringcache.node.adapter.profiling;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's profiling endpoints under {@value #PREFIX}, the Go prototype's {@code net/http/pprof}
 * paths that {@code go tool pprof} fetches:
 *
 * <ul>
 *   <li>{@code /debug/pprof/profile?seconds=N} (default 30): CPU profile, gzipped pprof protobuf</li>
 *   <li>{@code /debug/pprof/heap?seconds=N} (default 5): heap <em>allocation</em> profile (bytes allocated
 *       per stack while sampling; not Go's in-use heap snapshot), gzipped pprof</li>
 *   <li>{@code /debug/pprof/block?seconds=N} (default 5): lock contention (time waited per stack), gzipped pprof</li>
 *   <li>{@code /debug/jfr?seconds=N} (default 30): a JFR recording with the JDK's {@code profile} settings</li>
 *   <li>{@code /debug/threads}: a text dump of every thread and its stack</li>
 * </ul>
 *
 * <p>{@code seconds} must be a whole number from 1 to 300 (else 400). One profile or recording runs at
 * a time per JVM; another meanwhile gets 409. Every reply is complete and the exchange closed; no
 * request leaves a profiler running or a temporary file behind.
 */
public final class PprofEndpoints implements HttpHandler {

    /** The context path this handler serves. */
    public static final String PREFIX = "/debug";

    private static final Logger LOG = LoggerFactory.getLogger(PprofEndpoints.class);
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String OCTETS = "application/octet-stream";
    private static final String INDEX = """
            ringcache profiling endpoints (seconds: 1..300)
            /debug/pprof/profile?seconds=30  CPU profile (pprof, gzipped protobuf)
            /debug/pprof/heap?seconds=5      heap allocation profile: bytes allocated per stack (pprof)
            /debug/pprof/block?seconds=5     lock contention: time waited per stack (pprof)
            /debug/jfr?seconds=30            JFR recording with the JDK's profile settings
            /debug/threads                   thread dump (text)
            """;

    private final Profiler profiler;

    public PprofEndpoints(Profiler profiler) {
        this.profiler = Objects.requireNonNull(profiler, "profiler");
    }

    /** Endpoints over {@link Profiler#create()}. */
    public PprofEndpoints() {
        this(Profiler.create());
    }

    @Override
    public void handle(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        try {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                sendText(exchange, 405, "method " + exchange.getRequestMethod() + " not allowed; allowed: GET");
                return;
            }
            switch (path == null ? "" : path) {
                case "/debug/pprof", "/debug/pprof/" -> sendText(exchange, 200, INDEX);
                case "/debug/pprof/profile" -> profile(exchange, ProfileKind.CPU, 30, "profile.pb.gz");
                case "/debug/pprof/heap" -> profile(exchange, ProfileKind.ALLOC, 5, "heap.pb.gz");
                case "/debug/pprof/block" -> profile(exchange, ProfileKind.LOCK, 5, "block.pb.gz");
                case "/debug/jfr" -> jfr(exchange);
                case "/debug/threads" -> sendText(exchange, 200, ThreadDump.take());
                default -> sendText(exchange, 404, "no such path: " + path + "\n\n" + INDEX);
            }
        } catch (BadRequest e) {
            reply(exchange, 400, e.getMessage());
        } catch (ProfilerBusyException e) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            reply(exchange, 409, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping; the profiler has been stopped
            reply(exchange, 503, "interrupted: the node is stopping");
        } catch (IOException e) {
            if (exchange.getResponseCode() == -1) {
                LOG.warn("GET {} failed", path, e);
                reply(exchange, 500, "profiling failed: " + e.getMessage());
            } else {
                LOG.debug("GET {}: sending the reply failed: {}", path, e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("GET {} failed", path, e);
            reply(exchange, 500, "internal error: " + e.getClass().getSimpleName());
        } finally {
            exchange.close();
        }
    }

    private void profile(HttpExchange exchange, ProfileKind kind, int defaultSeconds, String filename)
            throws IOException, InterruptedException {
        Duration duration = seconds(exchange, defaultSeconds);
        try (Capture capture = profiler.profile(kind, duration)) {
            sendFile(exchange, capture, filename);
        }
    }

    private void jfr(HttpExchange exchange) throws IOException, InterruptedException {
        Duration duration = seconds(exchange, 30);
        try (Capture capture = profiler.recordJfr(duration)) {
            sendFile(exchange, capture, "recording.jfr");
        }
    }

    private static void sendFile(HttpExchange exchange, Capture capture, String filename) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", OCTETS);
        exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + filename + "\"");
        exchange.getResponseHeaders().set("X-Ringcache-Profiler", capture.backend());
        exchange.sendResponseHeaders(200, capture.size());
        try (OutputStream out = exchange.getResponseBody()) {
            capture.copyTo(out);
        }
    }

    /** The {@code seconds} query parameter: a whole number from 1 to 300, or {@code defaultSeconds} when absent. */
    static Duration seconds(HttpExchange exchange, int defaultSeconds) {
        String raw = exchange.getRequestURI().getRawQuery();
        String value = null;
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if ("seconds".equals(name)) {
                    try {
                        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        throw new BadRequest("malformed percent-encoding in seconds");
                    }
                    break;
                }
            }
        }
        if (value == null) {
            return Duration.ofSeconds(defaultSeconds);
        }
        long min = Profiler.MIN_DURATION.toSeconds();
        long max = Profiler.MAX_DURATION.toSeconds();
        long seconds;
        try {
            seconds = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new BadRequest("seconds must be a whole number from " + min + " to " + max + ": '" + value + "'");
        }
        if (seconds < min || seconds > max) {
            throw new BadRequest("seconds must be from " + min + " to " + max + ": " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    private static void reply(HttpExchange exchange, int status, String message) {
        if (exchange.getResponseCode() != -1) {
            return; // the reply had begun; closing the exchange is all that is left
        }
        try {
            sendText(exchange, status, message + "\n");
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot send the error reply: {}", e.toString());
        }
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", TEXT);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A request the endpoints refuse with 400. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
