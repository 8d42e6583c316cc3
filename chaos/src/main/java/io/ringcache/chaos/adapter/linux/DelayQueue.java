package io.ringcache.chaos.adapter.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The latency nemesis's packet holder: {@code ringcache-delayq}, a small C program against
 * libnetfilter_queue whose source is a resource beside this class. An iptables NFQUEUE rule hands it
 * a node's packets; it lets each go after a random delay (chaos/README.md, "Latency and
 * reordering"). Written here because the kernel lacks tc's netem, the usual tool, and no packaged
 * tool delays NFQUEUE packets; the library does the netlink work, the program only the holding.
 *
 * <p>{@link #build} compiles it once per suite with the system's C compiler; {@link #start} runs one
 * in a node's network namespace, bound to {@link #QUEUE}.
 */
public final class DelayQueue {

    /** The NFQUEUE number in each node's namespace (queues are per namespace). */
    public static final int QUEUE = 1;
    private static final String SOURCE = "ringcache-delayq.c";

    private final Process process;
    private final BufferedReader output;

    private DelayQueue(Process process) {
        this.process = process;
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Compiles the program into {@code dir} with {@code compiler} (gcc, cc, clang) and returns it.
     *
     * @throws IOException with the compiler's output when it is missing or the build fails (no
     *                     libnetfilter-queue-dev, for example)
     */
    public static Path build(Path dir, String compiler) throws IOException {
        return NativeTools.build(SOURCE, "ringcache-delayq", dir, compiler, "-lnetfilter_queue", "-lnfnetlink");
    }

    /**
     * Starts {@code program} in {@code namespace}, holding each packet of {@link #QUEUE} for
     * {@code delayMillis} +- {@code jitterMillis}, and returns once it is bound to the queue.
     */
    static DelayQueue start(Path program, String namespace, int delayMillis, int jitterMillis, long seed) throws IOException {
        Process p = new ProcessBuilder(Commands.in(namespace, program.toString(), Integer.toString(QUEUE),
                Integer.toString(delayMillis), Integer.toString(jitterMillis), "0", Long.toUnsignedString(seed)))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        DelayQueue q = new DelayQueue(p);
        // Its first line says it is bound; an error line and an exit say why it is not.
        String first = q.output.readLine();
        if (first == null || !first.startsWith("ringcache-delayq: queue")) {
            q.stop();
            throw new IOException("ringcache-delayq in " + namespace + " did not start: " + first);
        }
        return q;
    }

    /**
     * Stops it (SIGTERM: it lets every held packet go first) and returns its last words: how many
     * packets it held and let go.
     */
    String stop() {
        // Through the handle: Process.destroy() would also close the pipe its last words are in.
        process.toHandle().destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            StringBuilder rest = new StringBuilder();
            String line;
            while ((line = output.readLine()) != null) {
                rest.append(rest.length() == 0 ? "" : "; ").append(line.strip());
            }
            return rest.toString();
        } catch (IOException e) {
            return "its output is unreadable: " + e;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
