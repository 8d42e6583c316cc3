package io.ringcache.e2e;

import io.ringcache.chaos.adapter.linux.ProcessTrees;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Real ringcache processes (store nodes, placement drivers) started with the launchers in {@code bin/}, each in a working folder
 * under one temporary directory, on free loopback ports. Closing kills every process and deletes
 * the folder.
 */
final class ClusterProcesses implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(90);

    private final Path root;
    private final Path launcher;
    private final Path bin;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, List<String>> commands = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ClusterProcesses() throws IOException {
        root = Files.createTempDirectory("store-processes");
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("bin/ringcache-store"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("bin/ringcache-store not found above " + Path.of("").toAbsolutePath());
        }
        launcher = dir.resolve("bin/ringcache-store");
        bin = dir.resolve("bin");
    }

    /** A free listening port for a child process (see {@link TestPorts} for why not port 0). */
    static int freePort() throws IOException {
        return TestPorts.free();
    }

    /** Starts a node with the seed's flags; its working directory is its own folder under the root. */
    void start(String name, String... flags) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(flags));
        commands.put(name, command);
        launch(name);
    }

    /** Starts another program from {@code bin/} (e.g. ringcache-pd) in its own folder. */
    void startProgram(String name, String program, String... flags) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(flags));
        commands.put(name, command);
        launch(name);
    }

    /**
     * Runs {@code bin/program args} (or, when bin/ has no such program, {@code program} from the
     * PATH, e.g. redis-cli) to completion (bounded); returns its exit code and output.
     */
    Result run(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Files.exists(bin.resolve(program)) ? bin.resolve(program).toString() : program);
        command.addAll(List.of(args));
        Path out = Files.createTempFile(root, program, ".out");
        Path err = Files.createTempFile(root, program, ".err");
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(DEADLINE.toSeconds() * 3, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(program + " " + args + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    record Result(int exit, String out, String err) {
    }

    private void launch(String name) throws IOException {
        Path cwd = Files.createDirectories(root.resolve(name));
        ProcessBuilder pb = new ProcessBuilder(commands.get(name)).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(cwd.resolve("out.log").toFile()));
        pb.environment().put("JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        processes.put(name, pb.start());
    }

    /**
     * Starts a store node that registers with the placement driver(s) at {@code pd}, on free
     * ports with a 16 MiB shard budget; returns its HTTP port.
     */
    int startStore(String id, String pd) throws IOException {
        int port = freePort();
        start(id, "-node_id", id, "-http_addr", "127.0.0.1:" + port, "-raft_addr", "127.0.0.1:" + freePort(),
                "-raft_dir", "data", "-pd", pd, "-shard_memory_mb", "16");
        return port;
    }

    void restart(String name) throws IOException {
        launch(name);
    }

    /** kill -9. */
    void kill(String name) throws InterruptedException {
        ProcessTrees.kill(processes.get(name));
    }

    /** SIGSTOP: the process (and everything it started) stops running, its sockets stay open. */
    void pause(String name) throws IOException, InterruptedException {
        signal(name, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume(String name) throws IOException, InterruptedException {
        signal(name, "CONT");
    }

    private void signal(String name, String signal) throws IOException {
        ProcessTrees.signal(processes.get(name), signal);
    }

    Path folder(String name) {
        return root.resolve(name);
    }

    String log(String name) {
        try {
            return Files.readString(root.resolve(name).resolve("out.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    HttpResponse<String> get(int port, String pathAndQuery) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The response, or null when the node does not answer. */
    HttpResponse<String> tryGet(int port, String pathAndQuery) {
        try {
            return get(port, pathAndQuery);
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (String n : processes.keySet()) {
                    String l = log(n);
                    logs.append("\n--- ").append(n).append(" ---\n").append(l, Math.max(0, l.length() - 3000), l.length());
                }
                throw new AssertionError("timed out waiting for " + what + logs);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static final java.util.regex.Pattern REPLICAS = java.util.regex.Pattern.compile("\"replicas\":\\[([^\\]]*)\\]");

    /**
     * Waits until the node on {@code httpPort} reports {@code shards} shards with {@code replicas}
     * voters each: before a test kills a store, so that every shard keeps a majority.
     */
    void awaitReplicas(int httpPort, int shards, int replicas) {
        await(shards + " shards with " + replicas + " replicas each", () -> {
            HttpResponse<String> c = tryGet(httpPort, "/v1/cluster");
            if (c == null || c.statusCode() != 200) {
                return false;
            }
            java.util.regex.Matcher m = REPLICAS.matcher(c.body());
            int seen = 0;
            while (m.find()) {
                if (m.group(1).split(",").length != replicas) {
                    return false;
                }
                seen++;
            }
            return seen == shards;
        });
    }

    void awaitReady(int httpPort) {
        await("node on " + httpPort + " to be ready", () -> {
            HttpResponse<String> r = tryGet(httpPort, "/ready");
            return r != null && r.statusCode() == 200;
        });
    }

    @Override
    public void close() throws IOException {
        ProcessTrees.killAll(processes.values());
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
