package io.ringcache.node.adapter.profiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.node.adapter.http.HttpApi;
import io.ringcache.node.adapter.http.HttpSettings;
import io.ringcache.node.core.KvRequests;
import io.ringcache.node.core.UnroutedKvRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /debug endpoints over the real HTTP API: pprof profiles that parse, JFR, thread dumps, bad input, one at a time. */
class PprofEndpointsTest {

    @TempDir
    Path temp;

    private Path work;
    /** No KV call is made here. */
    private static final KvRequests NO_KV = new UnroutedKvRequests("no KV call expected");
    private HttpApi api;
    private HttpClient client;
    private int port;
    private ProfilingLoad load;

    @BeforeEach
    void start() throws IOException {
        work = Files.createDirectory(temp.resolve("work"));
        api = new HttpApi(NO_KV, HttpSettings.defaults().withStopGrace(Duration.ZERO),
                () -> "{}", (id, addr, p) -> "joined", () -> true, () -> "",
                Map.of(PprofEndpoints.PREFIX, new PprofEndpoints(Profiler.create(work, true))));
        port = api.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        load = new ProfilingLoad();
    }

    @AfterEach
    void stop() {
        load.close();
        api.close();
    }

    @Test
    void cpuProfileIsGzippedPprofWithTheBusyThreadsSamples() {
        HttpResponse<byte[]> r = get("/debug/pprof/profile?seconds=1");
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElseThrow());
        Pprof p = Pprof.parseGzipped(r.body());
        assertEquals(List.of("cpu/count"), p.sampleTypes());
        assertTrue(p.samples() > 0, "no samples");
        assertTrue(p.sampled("ProfilingLoad.spin"), () -> "the spinning thread is not in " + p.sampledFunctions());
        assertTemporaryFilesDeleted();
    }

    @Test
    void heapIsAnAllocationProfileInBytes() {
        HttpResponse<byte[]> r = get("/debug/pprof/heap?seconds=1");
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        Pprof p = Pprof.parseGzipped(r.body());
        assertEquals(List.of("allocations/bytes"), p.sampleTypes());
        assertTrue(p.samples() > 0, "no samples");
        assertTrue(p.sampled("ProfilingLoad.allocate"), () -> "the allocating thread is not in " + p.sampledFunctions());
        assertTemporaryFilesDeleted();
    }

    @Test
    void blockIsALockContentionProfile() {
        HttpResponse<byte[]> r = get("/debug/pprof/block?seconds=1");
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        Pprof p = Pprof.parseGzipped(r.body());
        assertEquals(List.of("locks/nanoseconds"), p.sampleTypes());
        assertTrue(p.samples() > 0, "no samples");
        assertTrue(p.sampled("ProfilingLoad.contend"), () -> "the contending threads are not in " + p.sampledFunctions());
        assertTemporaryFilesDeleted();
    }

    @Test
    void jfrIsARecordingTheJdkReads() throws IOException {
        HttpResponse<byte[]> r = get("/debug/jfr?seconds=1");
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElseThrow());
        Path file = temp.resolve("got.jfr");
        Files.write(file, r.body());
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertFalse(events.isEmpty());
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.ExecutionSample")),
                "the 'profile' settings sample execution");
        assertTemporaryFilesDeleted();
    }

    @Test
    void threadsListsEveryThreadWithItsStack() {
        HttpResponse<byte[]> r = get("/debug/threads");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        String dump = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(dump.contains("\"" + Thread.currentThread().getName() + "\""), dump);
        assertTrue(dump.contains("\"profiling-load-spin\""), dump);
        assertTrue(dump.contains("at io.ringcache.node.adapter.profiling.PprofEndpointsTest"), "the test's own stack");
        assertTrue(dump.contains("java.lang.Thread.State: "), dump);
    }

    @Test
    void badSecondsAre400() {
        for (String path : List.of("/debug/pprof/profile?seconds=abc", "/debug/pprof/profile?seconds=0",
                "/debug/pprof/profile?seconds=301", "/debug/pprof/profile?seconds=1.5", "/debug/pprof/profile?seconds=",
                "/debug/pprof/heap?seconds=-1", "/debug/pprof/block?seconds=x", "/debug/jfr?seconds=9999999999999999999")) {
            HttpResponse<byte[]> r = get(path);
            assertEquals(400, r.statusCode(), path);
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("seconds"), path);
        }
        assertTemporaryFilesDeleted();
    }

    @Test
    void otherMethodsAndPathsAreRefused() {
        HttpResponse<byte[]> post = send(HttpRequest.newBuilder(uri("/debug/pprof/profile?seconds=1"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("Allow").orElseThrow());
        assertEquals(404, get("/debug/pprof/nothing").statusCode());
        assertEquals(200, get("/debug/pprof/").statusCode());
        assertEquals(200, get("/health").statusCode(), "the API's own routes still answer");
        assertEquals(404, get("/nothing").statusCode());
    }

    @Test
    void aSecondProfileWhileOneRunsIs409AndTheFirstStillCompletes() throws Exception {
        CompletableFuture<HttpResponse<byte[]>> first = client.sendAsync(
                HttpRequest.newBuilder(uri("/debug/pprof/profile?seconds=2")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        awaitProfiling();
        for (String path : List.of("/debug/pprof/profile?seconds=1", "/debug/pprof/heap?seconds=1",
                "/debug/pprof/block?seconds=1", "/debug/jfr?seconds=1")) {
            HttpResponse<byte[]> second = get(path);
            assertEquals(409, second.statusCode(), path);
        }
        HttpResponse<byte[]> done = first.get(30, TimeUnit.SECONDS);
        assertEquals(200, done.statusCode());
        assertTrue(Pprof.parseGzipped(done.body()).samples() > 0);
        assertEquals(200, get("/debug/pprof/profile?seconds=1").statusCode(), "free again once the first is done");
        assertTemporaryFilesDeleted();
    }

    /** Waits until an HTTP worker is inside the profiler, as the thread dump shows. */
    private void awaitProfiling() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String dump = new String(get("/debug/threads").body(), StandardCharsets.UTF_8);
            if (dump.contains("at io.ringcache.node.adapter.profiling.Profiler.recordWith")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the first profile never started");
    }

    /** The reply is sent before its capture is closed: allow a moment for the directory to go. */
    private void assertTemporaryFilesDeleted() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Path> left = List.of();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(work)) {
                left = files.toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (left.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("temporary files left behind: " + left);
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    private HttpResponse<byte[]> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build());
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return client.send(HttpRequest.newBuilder(request, (n, v) -> true).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
