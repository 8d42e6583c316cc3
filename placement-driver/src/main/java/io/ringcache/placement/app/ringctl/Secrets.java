package io.ringcache.placement.app.ringctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the secrets ringctl is given: from a file's first line, standard input ('-'), or a prompt. Never echoes them. */
final class Secrets {

    private Secrets() {
    }

    /** The first line of {@code file} ({@code -}: standard input), stripped; a usage error when missing or empty. */
    static String firstLine(String file, String what) {
        String line;
        try {
            if (file.equals("-")) {
                line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } else {
                try (BufferedReader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                    line = r.readLine();
                }
            }
        } catch (IOException e) {
            throw new RingctlException(ExitCodes.USAGE, "cannot read the " + what + " from " + file + ": " + e.getMessage());
        }
        if (line == null || line.strip().isEmpty()) {
            throw new RingctlException(ExitCodes.USAGE, "the " + what + " file " + file + " is empty");
        }
        return line.strip();
    }

    /** Asks on the terminal without echo; a usage error when there is no terminal (scripts use a file). */
    static String prompt(String question) {
        java.io.Console console = System.console();
        if (console == null) {
            throw new RingctlException(ExitCodes.USAGE, "no terminal to ask for the password: give --password-file FILE"
                    + " (or '-' for standard input) or set RINGCACHE_PASSWORD");
        }
        char[] answer = console.readPassword("%s", question);
        if (answer == null || answer.length == 0) {
            throw new RingctlException(ExitCodes.USAGE, "no password given");
        }
        return new String(answer);
    }
}
