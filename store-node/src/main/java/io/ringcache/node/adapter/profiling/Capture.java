package io.ringcache.node.adapter.profiling;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A finished profile or recording in a private temporary directory. Closing it deletes the
 * directory, so it must be closed once the result is sent.
 */
public final class Capture implements AutoCloseable {

    private final Path dir;
    private final Path file;
    private final String backend;

    Capture(Path dir, Path file, String backend) {
        this.dir = dir;
        this.file = file;
        this.backend = backend;
    }

    /** The result file (gzipped pprof, or JFR). */
    public Path file() {
        return file;
    }

    /** Which profiler produced it: {@code async-profiler} or {@code jdk.jfr}. */
    public String backend() {
        return backend;
    }

    public long size() throws IOException {
        return Files.size(file);
    }

    public void copyTo(OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(out);
        }
    }

    public byte[] bytes() throws IOException {
        return Files.readAllBytes(file);
    }

    @Override
    public void close() {
        deleteTree(dir);
    }

    /** Deletes {@code dir} and everything in it; failures are reported, never thrown past a caller's cleanup. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            org.slf4j.LoggerFactory.getLogger(Capture.class).warn("cannot delete the profiling files in {}: {}", dir,
                    e.toString());
        }
    }
}
