package io.ringcache.node.adapter.profiling;

import io.ringcache.node.adapter.http.BlockingHttpHandler;
import io.ringcache.node.adapter.http.HttpCall;
import io.ringcache.node.adapter.http.HttpReply;
import java.io.IOException;
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
 * a time per JVM; another meanwhile gets 409. Runs on the HTTP server's blocking pool; no request
 * leaves a profiler running or a temporary file behind.
 */
public final class PprofEndpoints implements BlockingHttpHandler {

    /** The context path this handler serves. */
    public static final String PREFIX = "/debug";

    private static final Logger LOG = LoggerFactory.getLogger(PprofEndpoints.class);
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
    public HttpReply handle(HttpCall call) {
        String path = call.path();
        try {
            if (!"GET".equals(call.method())) {
                return text(405, "method " + call.method() + " not allowed; allowed: GET").with("Allow", "GET");
            }
            return switch (path) {
                case "/debug/pprof", "/debug/pprof/" -> text(200, INDEX);
                case "/debug/pprof/profile" -> profile(call, ProfileKind.CPU, 30, "profile.pb.gz");
                case "/debug/pprof/heap" -> profile(call, ProfileKind.ALLOC, 5, "heap.pb.gz");
                case "/debug/pprof/block" -> profile(call, ProfileKind.LOCK, 5, "block.pb.gz");
                case "/debug/jfr" -> jfr(call);
                case "/debug/threads" -> text(200, ThreadDump.take());
                default -> text(404, "no such path: " + path + "\n\n" + INDEX);
            };
        } catch (BadRequest e) {
            return text(400, e.getMessage() + "\n");
        } catch (ProfilerBusyException e) {
            return text(409, e.getMessage() + "\n").with("Retry-After", "1");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping; the profiler has been stopped
            return text(503, "interrupted: the node is stopping\n");
        } catch (IOException e) {
            LOG.warn("GET {} failed", path, e);
            return text(500, "profiling failed: " + e.getMessage() + "\n");
        } catch (RuntimeException e) {
            LOG.error("GET {} failed", path, e);
            return text(500, "internal error: " + e.getClass().getSimpleName() + "\n");
        }
    }

    private HttpReply profile(HttpCall call, ProfileKind kind, int defaultSeconds, String filename)
            throws IOException, InterruptedException {
        Duration duration = seconds(call.rawQuery(), defaultSeconds);
        try (Capture capture = profiler.profile(kind, duration)) {
            return file(capture, filename);
        }
    }

    private HttpReply jfr(HttpCall call) throws IOException, InterruptedException {
        Duration duration = seconds(call.rawQuery(), 30);
        try (Capture capture = profiler.recordJfr(duration)) {
            return file(capture, "recording.jfr");
        }
    }

    /** The capture as a reply, read whole: profiles are a few MB; a JFR recording of minutes tens of MB. */
    private static HttpReply file(Capture capture, String filename) throws IOException {
        return HttpReply.bytes(200, OCTETS, capture.bytes())
                .with("Content-Disposition", "attachment; filename=\"" + filename + "\"")
                .with("X-Ringcache-Profiler", capture.backend());
    }

    /** The {@code seconds} query parameter: a whole number from 1 to 300, or {@code defaultSeconds} when absent. */
    static Duration seconds(String raw, int defaultSeconds) {
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

    private static HttpReply text(int status, String text) {
        return HttpReply.text(status, text);
    }

    /** A request the endpoints refuse with 400. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
