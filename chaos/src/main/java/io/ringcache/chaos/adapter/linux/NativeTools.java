package io.ringcache.chaos.adapter.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Builds the suite's small C helpers ({@link DelayQueue}, {@link FaultyDisk}) from their sources,
 * which are resources beside those classes, with the system's C compiler: once per suite, into a
 * folder of the run's output.
 */
final class NativeTools {

    private NativeTools() {
    }

    /**
     * Copies {@code source} (a resource of this package) into {@code dir}, compiles it there as
     * {@code program} with {@code compiler} and {@code flags} after the source (libraries), and
     * returns the program.
     *
     * @throws IOException with the compiler's output when it is missing or the build fails
     */
    static Path build(String source, String program, Path dir, String compiler, String... flags) throws IOException {
        Files.createDirectories(dir);
        Path copy = dir.resolve(source);
        try (InputStream in = NativeTools.class.getResourceAsStream(source)) {
            if (in == null) {
                throw new IOException(source + " is not on the class path");
            }
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        Path built = dir.resolve(program);
        String[] command = new String[6 + flags.length];
        command[0] = compiler;
        command[1] = "-O2";
        command[2] = "-Wall";
        command[3] = "-o";
        command[4] = built.toString();
        command[5] = copy.toString();
        System.arraycopy(flags, 0, command, 6, flags.length);
        try {
            Commands.run(command);
        } catch (IOException e) {
            throw new IOException("cannot build " + source + " with " + compiler + ": " + e.getMessage(), e);
        }
        return built;
    }
}
