package io.ringcache.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The JVM flags every ringcache JVM needs (Chronicle Map's --add-exports/--add-opens and
 * system properties), read from the project's {@code jvm.properties}, key
 * {@value #KEY}. The file is found through the system property {@value #PROPERTY} or, by
 * default, by searching upward from the working directory.
 *
 * <p>Run as a program it prints the flags on one line, for shell use:
 * {@code java $(java -cp bench/target/benchmarks.jar io.ringcache.bench.JvmFlags) -cp ... Main}.
 */
public final class JvmFlags {

    public static final String PROPERTY = "ringcache.jvm.properties";
    public static final String KEY = "ringcache.jvm.flags";
    static final String FILE_NAME = "jvm.properties";

    private JvmFlags() {
    }

    /** The jvm.properties file to use; fails when there is none. */
    public static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path p = Paths.get(configured);
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + configured + " is not a file");
            }
            return p;
        }
        Path dir = Paths.get("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + FILE_NAME + " in " + dir + " or any parent; set -D" + PROPERTY
                + "=/path/to/" + FILE_NAME);
    }

    /** The flags in {@code file} (java.util.Properties syntax, line continuations allowed). */
    public static List<String> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String flags = p.getProperty(KEY);
        if (flags == null || flags.isBlank()) {
            throw new IllegalStateException(file + " has no " + KEY);
        }
        return Arrays.asList(flags.trim().split("\\s+"));
    }

    /** The flags from the located file. */
    public static List<String> load() {
        return read(locate());
    }

    public static void main(String[] args) {
        System.out.println(String.join(" ", load()));
    }
}
