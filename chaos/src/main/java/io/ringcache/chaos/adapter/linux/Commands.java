package io.ringcache.chaos.adapter.linux;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system's network and mount tools (ip, iptables, tc, mount) to completion, bounded. */
final class Commands {

    private Commands() {
    }

    /** Runs {@code command}; IOException with its output when it fails or takes longer than 30 s. */
    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer in 30 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    /** Runs {@code command} and ignores a failure: for clean-up of what may already be gone. */
    static void quietly(String... command) {
        try {
            run(command);
        } catch (IOException e) {
            // already gone, or never made
        }
    }

    /** {@code ip netns exec ns} followed by {@code command}. */
    static String[] in(String namespace, String... command) {
        String[] all = new String[command.length + 4];
        all[0] = "ip";
        all[1] = "netns";
        all[2] = "exec";
        all[3] = namespace;
        System.arraycopy(command, 0, all, 4, command.length);
        return all;
    }

    /** True when this process can make network namespaces: root, with ip and iptables on the PATH. */
    static boolean canIsolate() {
        try {
            return run("id", "-u").strip().equals("0") && !run("sh", "-c", "command -v ip iptables tc").isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    static List<String> lines(String out) {
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
