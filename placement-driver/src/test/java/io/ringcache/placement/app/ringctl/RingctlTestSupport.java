package io.ringcache.placement.app.ringctl;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Runs ringctl against in-process fake PD members, capturing stdout, stderr and the exit code. */
final class RingctlTestSupport implements AutoCloseable {

    private static final AtomicInteger NEXT = new AtomicInteger();

    /** What one ringctl run printed and returned. */
    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
        }
    }

    private final List<Server> servers = new ArrayList<>();

    /** A unique in-process "host:port" name. */
    static String address(String prefix) {
        return prefix + "-" + NEXT.incrementAndGet() + ".test:9090";
    }

    /** Serves {@code pd} in-process under its address. */
    FakePd serve(FakePd pd) {
        try {
            servers.add(InProcessServerBuilder.forName(pd.address).directExecutor().addService(pd).build().start());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pd;
    }

    static final Function<String, ManagedChannel> IN_PROCESS =
            address -> InProcessChannelBuilder.forName(address).directExecutor().build();

    static Result run(String... args) {
        return run(Map.of(), IN_PROCESS, args);
    }

    static Result run(Map<String, String> env, Function<String, ManagedChannel> channels, String... args) {
        return run(null, env, channels, args);
    }

    /** With {@code terminal} non-null, as if stdout were an interactive terminal (live progress bar). */
    static Result run(PrintStream terminal, Map<String, String> env, Function<String, ManagedChannel> channels,
                      String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        RingctlEnv e = new RingctlEnv(new PrintWriter(out, true), new PrintWriter(err, true), terminal, channels,
                Clock.fixed(Instant.ofEpochMilli(FakePd.NOW), ZoneOffset.UTC), env);
        int code = RingctlMain.commandLine(e).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Override
    public void close() {
        for (Server s : servers) {
            s.shutdownNow();
        }
    }
}
