package io.ringcache.placement.app.ringctl;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A ringctl subcommand that talks to the PD: opens the client, runs, closes it. */
abstract class PdCommand implements Callable<Integer> {

    /** This command's place in the command line; {@link #root} is found from it (commands nest: user add, role grant). */
    @Spec
    CommandSpec spec;
    RingctlMain root;

    @Override
    public final Integer call() throws Exception {
        root = (RingctlMain) spec.root().userObject();
        Duration limit = timeout();
        // Waiting commands enforce the limit in their wait loop; each call gets its own deadline.
        Duration rpc = waits() ? RingctlMain.RPC_TIMEOUT : limit;
        Duration overall = waits() ? limit.plus(RingctlMain.RPC_TIMEOUT) : limit;
        try (PdClient pd = new PdClient(root.pdAddresses(), root.channelFactory(), rpc, overall, root.authorization())) {
            int code = run(pd);
            out().flush();
            return code;
        } finally {
            root.closeTls();
        }
    }

    abstract int run(PdClient pd) throws Exception;

    /** Whether this invocation waits for operators (so its default timeout is long). */
    boolean waits() {
        return false;
    }

    /** {@code --timeout}, else the default for this kind of command. */
    Duration timeout() {
        if (root.timeout != null) {
            return root.timeout;
        }
        return waits() ? RingctlMain.DEFAULT_WAIT_TIMEOUT : RingctlMain.DEFAULT_ONE_SHOT_TIMEOUT;
    }

    PrintWriter out() {
        return root.env.out();
    }

    boolean json() {
        return root.output == RingctlMain.Output.json;
    }

    void printJson(Object document) {
        out().println(Json.write(document));
    }

    long now() {
        return root.env.clock().millis();
    }

    Waiter waiter(PdClient pd) {
        return new Waiter(pd, root.env, root.pollInterval, timeout(), !json());
    }
}
