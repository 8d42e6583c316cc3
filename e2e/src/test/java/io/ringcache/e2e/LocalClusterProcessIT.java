package io.ringcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The newcomer's first command, {@code bin/ringcache-local}, run as they would run it (with a
 * temporary folder and free ports): start prints every endpoint and the cluster serves through
 * any node; a second start refuses; status answers; add brings a fourth node that placement puts
 * replicas on; stop leaves no process behind and keeps the folder, stop --purge deletes it.
 */
class LocalClusterProcessIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Pattern NODE_LINE = Pattern.compile(
            "(?m)^\\s+(node\\d+)\\s+HTTP http://localhost:(\\d+)\\s+gRPC 127\\.0\\.0\\.1:(\\d+)\\s+metrics (\\S+)\\s+pid (\\d+)$");
    private static final Pattern PD_LINE = Pattern.compile("(?m)^\\s+pd\\s+gRPC 127\\.0\\.0\\.1:(\\d+)\\s.*pid (\\d+)$");
    private static final Pattern REPLICAS = Pattern.compile("\"replicas\":\\[([^\\]]*)\\]");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void startUseAddStatusStop() throws Exception {
        Path work = Files.createTempDirectory("ringcache-local-it");
        Path folder = work.resolve("cluster");
        int base = freeBlock(45);
        Tool tool = new Tool(work, environment(folder, base));
        try {
            Result start = tool.run("start");
            assertEquals(0, start.exit(), start.text());

            // Every endpoint is printed: the PD, each node's HTTP, advertised gRPC and metrics, and how to try it.
            Map<String, int[]> nodes = nodes(start.out());
            assertEquals(List.of("node1", "node2", "node3"), List.copyOf(nodes.keySet()), start.text());
            Matcher pd = PD_LINE.matcher(start.out());
            assertTrue(pd.find(), start.text());
            assertEquals(base, Integer.parseInt(pd.group(1)), start.text());
            assertTrue(start.out().contains("export RINGCACHE_PD=127.0.0.1:" + base), start.text());
            int http1 = nodes.get("node1")[0];
            int http2 = nodes.get("node2")[0];
            int http3 = nodes.get("node3")[0];
            assertEquals(base + 11, http1, start.text());
            assertTrue(start.out().contains("curl \"localhost:" + http1 + "/set?key=hello&value=world\""), start.text());
            assertTrue(start.out().contains("curl \"localhost:" + http2 + "/get?key=hello\""), start.text());
            for (Map.Entry<String, int[]> n : nodes.entrySet()) {
                assertTrue(listening(n.getValue()[1]), n.getKey() + "'s printed gRPC port answers");
                HttpResponse<String> metrics = get(n.getValue()[0], "/metrics");
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.body().contains("ringcache_shard_entries"), metrics.body());
            }
            assertTrue(Files.isRegularFile(folder.resolve("cluster.env")), "state is kept in the folder");
            assertTrue(Files.isRegularFile(folder.resolve("node2.log")), "logs are kept in the folder");

            // The curl lines work, through two different nodes, on both APIs.
            assertEquals("ok", get(http1, "/set?key=hello&value=world").body().trim());
            HttpResponse<String> hello = get(http2, "/get?key=hello");
            assertEquals(200, hello.statusCode());
            assertEquals("world", hello.body());
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(uri(http3, "/v1/kv/rest-key"))
                    .PUT(HttpRequest.BodyPublishers.ofString("rest-value")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(put.statusCode() / 100 == 2, put.statusCode() + " " + put.body());
            assertEquals("rest-value", get(http1, "/v1/kv/rest-key").body());

            // A second start refuses with one line; status answers.
            Result again = tool.run("start");
            assertEquals(1, again.exit(), again.text());
            assertTrue(again.err().trim().lines().count() == 1 && again.err().contains("already running"), again.text());
            Result status = tool.run("status");
            assertEquals(0, status.exit(), status.text());
            assertTrue(status.out().contains("Health      OK"), status.text());
            assertTrue(status.out().matches("(?s).*node3\\s+up\\s+pid.*"), status.text());

            // add: a fourth node, ready, which placement gives replicas.
            Result add = tool.run("add");
            assertEquals(0, add.exit(), add.text());
            Map<String, int[]> added = nodes(add.out());
            assertEquals(List.of("node4"), List.copyOf(added.keySet()), add.text());
            int http4 = added.get("node4")[0];
            assertEquals(base + 14, http4);
            assertEquals(200, get(http4, "/ready").statusCode());

            // The stores share this machine: an add that would take their budgets past 90% of RAM is refused.
            Map<String, String> greedy = environment(folder, base);
            greedy.put("RINGCACHE_MEMORY", "20%");
            Result tooMuch = new Tool(work, greedy).run("add");
            assertEquals(1, tooMuch.exit(), tooMuch.text());
            assertTrue(tooMuch.err().contains("5 store nodes at -memory 20%") && tooMuch.err().contains("100%"),
                    tooMuch.text());
            assertFalse(Files.exists(folder.resolve("node5.log")), "the refused add started nothing");
            await("replicas on node4", () -> {
                HttpResponse<String> c = tryGet(http1, "/v1/cluster");
                if (c == null || c.statusCode() != 200) {
                    return false;
                }
                Matcher m = REPLICAS.matcher(c.body());
                while (m.find()) {
                    if (m.group(1).contains("\"node4\"")) {
                        return true;
                    }
                }
                return false;
            });
            assertEquals("world", get(http4, "/get?key=hello").body());

            // stop: every process gone, the folder kept (with its data and logs); --purge deletes it.
            List<Long> pids = tool.pids();
            assertEquals(5, pids.size(), "pd and four nodes recorded: " + pids);
            Result stop = tool.run("stop");
            assertEquals(0, stop.exit(), stop.text());
            // An exited process may stay a zombie for a moment until init reaps it (the tool's parent shell is gone).
            await("every recorded pid to be gone after stop " + pids, Duration.ofSeconds(10), () -> pids.stream()
                    .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
            assertTrue(Files.isDirectory(folder.resolve("node1/data")), "stop keeps the data");
            Result purge = tool.run("stop", "--purge");
            assertEquals(0, purge.exit(), purge.text());
            assertFalse(Files.exists(folder), "stop --purge deletes the folder");
        } finally {
            cleanUp(tool, work);
        }
    }

    /**
     * {@code start --tls}: a throw-away CA, every port on TLS, the exports to use it printed; the
     * cluster serves HTTPS with that CA and nothing in plaintext; status (ringctl over TLS) answers;
     * a plain {@code start} after a stop keeps TLS; stop --purge leaves nothing.
     */
    @Test
    void startWithTls() throws Exception {
        Path work = Files.createTempDirectory("ringcache-local-tls-it");
        Path folder = work.resolve("cluster");
        int base = freeBlock(45);
        Tool tool = new Tool(work, environment(folder, base));
        try {
            Result start = tool.run("start", "--tls");
            assertEquals(0, start.exit(), start.text());
            Path ca = folder.resolve("tls/ca.pem");
            assertTrue(start.out().contains("RINGCACHE_TLS_CA=" + ca), start.text());
            assertTrue(start.out().contains("HTTP https://localhost:" + (base + 11)), start.text());
            try (io.ringcache.transport.TransportTls tls = io.ringcache.transport.TransportTls.load(null, null, ca,
                    io.ringcache.transport.TransportTls.ClientAuth.OPTIONAL, Duration.ofSeconds(30))) {
                HttpClient https = HttpClient.newBuilder().sslContext(tls.sslContext(false)).connectTimeout(Duration.ofSeconds(2)).build();
                HttpResponse<String> set = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + (base + 11)
                        + "/set?key=hello&value=world")).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, set.statusCode(), set.body());
                assertEquals(null, tryGet(base + 12, "/get?key=hello"), "no plaintext on a TLS cluster");
                Result status = tool.run("status");
                assertEquals(0, status.exit(), status.text());
                assertTrue(status.out().contains("Stores      3: 3 up"), status.text());

                assertEquals(0, tool.run("stop").exit());
                Result again = tool.run("start");
                assertEquals(0, again.exit(), again.text());
                assertTrue(again.out().contains("Every port runs TLS"), "a restart keeps TLS: " + again.text());
                await("the value after the restart, over HTTPS", () -> {
                    try {
                        return https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + (base + 13)
                                + "/get?key=hello")).GET().build(), HttpResponse.BodyHandlers.ofString()).body().trim()
                                .equals("world");
                    } catch (IOException e) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                });
            }
            Result purge = tool.run("stop", "--purge");
            assertEquals(0, purge.exit(), purge.text());
            assertFalse(Files.exists(folder));
        } finally {
            cleanUp(tool, work);
        }
    }

    /** ringcache-local's environment for a cluster in {@code folder} on ports from {@code base}: small and quick. */
    private static Map<String, String> environment(Path folder, int base) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RINGCACHE_LOCAL_DIR", folder.toString());
        env.put("RINGCACHE_LOCAL_BASE_PORT", Integer.toString(base));
        env.put("RINGCACHE_LOCAL_SHARDS", "4");
        env.put("RINGCACHE_LOCAL_TIMEOUT", Long.toString(DEADLINE.toSeconds()));
        env.put("RINGCACHE_LOCAL_STORE_OPTS", "-shard_memory_mb 16");
        env.put("JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        return env;
    }

    /** Stops whatever the test left running (stop --purge, then the recorded pids) and deletes its folder. */
    private static void cleanUp(Tool tool, Path work) throws IOException {
        List<Long> left = tool.pids();
        tool.runQuietly("stop", "--purge");
        for (long pid : left) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        try (Stream<Path> paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    /** The node lines of start's or add's output: name to {HTTP port, gRPC port}; the metrics URL is checked here. */
    private static Map<String, int[]> nodes(String out) {
        Map<String, int[]> nodes = new LinkedHashMap<>();
        Matcher m = NODE_LINE.matcher(out);
        while (m.find()) {
            int httpPort = Integer.parseInt(m.group(2));
            assertEquals("http://localhost:" + httpPort + "/metrics", m.group(4), out);
            nodes.put(m.group(1), new int[] {httpPort, Integer.parseInt(m.group(3))});
        }
        return nodes;
    }

    /** A base port B with B..B+size-1 free on loopback, below the ephemeral range. */
    private static int freeBlock(int size) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            boolean free = true;
            for (int p = base; p < base + size && free; p++) {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no block of " + size + " free ports found");
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static URI uri(int port, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    private HttpResponse<String> get(int port, String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(port, pathAndQuery)).timeout(Duration.ofSeconds(15)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> tryGet(int port, String pathAndQuery) {
        try {
            return get(port, pathAndQuery);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, DEADLINE, condition);
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    record Result(int exit, String out, String err) {
        String text() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Runs bin/ringcache-local from a working directory with the given environment, stdin closed. */
    private static final class Tool {
        private final Path cwd;
        private final Map<String, String> env;
        private final Path launcher;
        private final Path folder;

        Tool(Path cwd, Map<String, String> env) {
            this.cwd = cwd;
            this.env = env;
            this.folder = Path.of(env.get("RINGCACHE_LOCAL_DIR"));
            Path dir = Path.of("").toAbsolutePath();
            while (dir != null && !Files.exists(dir.resolve("bin/ringcache-local"))) {
                dir = dir.getParent();
            }
            if (dir == null) {
                throw new IllegalStateException("bin/ringcache-local not found above " + Path.of("").toAbsolutePath());
            }
            launcher = dir.resolve("bin/ringcache-local");
        }

        Result run(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>();
            command.add(launcher.toString());
            command.addAll(List.of(args));
            Path out = Files.createTempFile(cwd, "tool", ".out");
            Path err = Files.createTempFile(cwd, "tool", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(DEADLINE.toSeconds() * 2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("ringcache-local " + List.of(args) + " did not finish");
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return r;
        }

        void runQuietly(String... args) {
            try {
                run(args);
            } catch (IOException | RuntimeException | AssertionError e) {
                // cleanup continues with the recorded pids
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The pids recorded in the folder (pd.pid, node1.pid, ...). */
        List<Long> pids() throws IOException {
            List<Long> pids = new ArrayList<>();
            if (!Files.isDirectory(folder)) {
                return pids;
            }
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted().toList()) {
                    Optional.of(Files.readString(f).trim()).filter(s -> s.matches("\\d+")).map(Long::parseLong)
                            .ifPresent(pids::add);
                }
            }
            return pids;
        }
    }
}
