package io.ringcache.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external tools the checks need; a missing tool fails the test with what to install, never skips it. */
final class Tools {

    /** What a finished command printed. */
    record Result(int exit, String out, String err) {
    }

    private Tools() {
    }

    /** The repository root (surefire runs in the module folder, deploy/). */
    static Path root() {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(basedir).toAbsolutePath().getParent();
    }

    /** The absolute path of an executable on PATH, or a failure naming how to install it. */
    static String require(String tool, String install) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return fail(tool + " is not on PATH; the deployment checks need it (" + install + "; .ci/run installs it)");
    }

    static Result run(List<String> command, Path dir, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("tool", ".out");
            Path err = Files.createTempFile("tool", ".err");
            try {
                Process p = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    fail(command + " did not finish within " + timeoutSeconds + " s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return fail("cannot run " + command + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted running " + command);
        }
    }

    /** {@code kubectl kustomize k8s/overlays/NAME}: the rendered YAML, or a failure with kubectl's message. */
    static String kustomize(String overlay) {
        String kubectl = require("kubectl", "Debian: apt-get install kubernetes-client");
        Result r = run(List.of(kubectl, "kustomize", "k8s/overlays/" + overlay), root(), 120);
        if (r.exit() != 0 || r.out().isBlank()) {
            fail("kubectl kustomize k8s/overlays/" + overlay + " failed (exit " + r.exit() + "):\n" + r.err());
        }
        return r.out();
    }

    private static synchronized boolean installed(Path validate) {
        return Files.isDirectory(validate.resolve("node_modules/kubernetes-models"))
                && Files.isDirectory(validate.resolve("node_modules/@kubernetes-models/validate"));
    }

    /** {@code node deploy/validate/validate.mjs FILE...}; the packages come from {@code npm ci} in deploy/validate. */
    static Result validateSchemas(List<Path> files) {
        String node = require("node", "Debian: apt-get install nodejs npm");
        Path validate = root().resolve("deploy/validate");
        if (!installed(validate)) {
            // A clean clone has no node_modules: install the locked validators (what .ci/run does), once.
            String npm = require("npm", "Debian: apt-get install nodejs npm");
            Result ci = run(List.of(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"), validate, 300);
            if (ci.exit() != 0 || !installed(validate)) {
                fail("npm ci in deploy/validate failed (exit " + ci.exit() + "):\n" + ci.err());
            }
        }
        List<String> cmd = new ArrayList<>(List.of(node, "validate.mjs"));
        files.forEach(f -> cmd.add(f.toAbsolutePath().toString()));
        return run(cmd, validate, 120);
    }
}
