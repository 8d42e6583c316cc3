package io.ringcache.chaos.adapter.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A started process together with everything it started: killed, stopped and continued as one. */
public final class ProcessTrees {

    private ProcessTrees() {
    }

    /** kill -9 of {@code p} and its descendants, waiting (bounded) until it is gone. */
    public static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** kill -9 of every tree, all at once, then waits (bounded) for each. */
    public static void killAll(Collection<Process> processes) {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends {@code signal} (STOP, CONT) to {@code p} and its descendants. */
    public static void signal(Process p, String signal) throws IOException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(p.pid())));
        p.descendants().forEach(d -> command.add(Long.toString(d.pid())));
        Commands.run(command.toArray(String[]::new));
    }
}
