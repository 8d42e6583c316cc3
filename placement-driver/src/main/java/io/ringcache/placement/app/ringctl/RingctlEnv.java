package io.ringcache.placement.app.ringctl;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * What ringctl runs against: its output streams, how it opens channels, the clock and the
 * environment. {@link #system()} for the real thing; tests build their own.
 *
 * @param out            normal output (tables, JSON, plain progress lines)
 * @param err            the one-line error messages
 * @param terminal       where a live progress bar is drawn, or null when stdout is not an
 *                       interactive terminal (plain progress lines are printed instead)
 * @param channelFactory opens a channel to a PD member's {@code host:port}
 * @param clock          the wall clock, for operator and heartbeat ages
 * @param environment    environment variables (RINGCACHE_PD)
 */
public record RingctlEnv(PrintWriter out, PrintWriter err, PrintStream terminal,
                         Function<String, ManagedChannel> channelFactory, Clock clock,
                         Map<String, String> environment) {

    /** The process's stdout, stderr and environment, plaintext gRPC over Netty. */
    public static RingctlEnv system() {
        Map<String, String> env = System.getenv();
        boolean interactive = System.console() != null && !env.containsKey("CI")
                && !"dumb".equals(env.getOrDefault("TERM", "dumb"));
        return new RingctlEnv(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                interactive ? System.out : null, RingctlEnv::netty, Clock.systemUTC(), env);
    }

    /** A plaintext channel to {@code host:port}. */
    public static ManagedChannel netty(String address) {
        return Grpc.newChannelBuilder("dns:///" + address, InsecureChannelCredentials.create())
                .userAgent("ringctl")
                .maxInboundMessageSize(64 << 20)
                .build();
    }
}
