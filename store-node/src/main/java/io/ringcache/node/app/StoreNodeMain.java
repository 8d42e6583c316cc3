package io.ringcache.node.app;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/** {@code ringcache-store}: parses the flags, starts the node, and on SIGTERM hands off leaders and stops. */
public final class StoreNodeMain {

    private StoreNodeMain() {
    }

    /** Parses and checks the flags; null (after printing help or the error) when the process should not start. */
    static NodeOptions parse(String[] args, PrintStream out, PrintStream err, int[] exitCode) {
        NodeOptions options = new NodeOptions();
        CommandLine cmd = new CommandLine(options);
        try {
            cmd.parseArgs(args);
            if (cmd.isUsageHelpRequested()) {
                cmd.usage(out);
                exitCode[0] = 0;
                return null;
            }
            if (cmd.isVersionHelpRequested()) {
                out.println("ringcache-store 0.1.0");
                exitCode[0] = 0;
                return null;
            }
            options.validate();
            return options;
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            err.println("ringcache-store: " + e.getMessage());
            err.println("Try 'ringcache-store --help' for the flags.");
            exitCode[0] = 2;
            return null;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int[] exit = {0};
        NodeOptions options = parse(args, System.out, System.err, exit);
        if (options == null) {
            System.exit(exit[0]);
            return;
        }
        StoreNode node = new StoreNode(options);
        try {
            node.start();
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println("ringcache-store: cannot start: " + e.getMessage());
            // Close what started, but never let a stuck close keep a failed process alive.
            Thread closer = new Thread(node::close, "ringcache-close");
            closer.setDaemon(true);
            closer.start();
            closer.join(15_000);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "ringcache-shutdown"));
        stopped.await();
    }
}
