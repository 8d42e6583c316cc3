package io.ringcache.placement.app;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.ringcache.placement.core.PdMember;
import io.ringcache.placement.core.SchedulingConfig;
import io.ringcache.transport.TransportTls;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** {@code ringcache-pd}: one placement driver member, until SIGTERM. */
public final class PlacementDriverMain {

    private PlacementDriverMain() {
    }

    /** Parsed flags, or null (after printing help or the error, with the exit code set). */
    static PdOptions parse(String[] args, PrintStream out, PrintStream err, int[] exit) {
        PdOptions options = new PdOptions();
        CommandLine cmd = new CommandLine(options);
        try {
            cmd.parseArgs(args);
            if (cmd.isUsageHelpRequested()) {
                cmd.usage(out);
                return null;
            }
            if (cmd.isVersionHelpRequested()) {
                out.println("ringcache-pd 0.1.0");
                return null;
            }
            options.members();
            options.scheduling();
            options.electionMillis();
            options.tls.validate(true);
            PdOptions.port(options.httpAddr);
            return options;
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            err.println("ringcache-pd: " + e.getMessage());
            err.println("Try 'ringcache-pd --help' for the flags.");
            exit[0] = 2;
            return null;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-pd.xml");
        }
        int[] exit = {0};
        PdOptions o = parse(args, System.out, System.err, exit);
        if (o == null) {
            System.exit(exit[0]);
            return;
        }
        List<PdMember> members = o.members();
        PdMember self = members.stream().filter(m -> m.id().equals(o.id)).findFirst().orElseThrow();
        SchedulingConfig config = o.scheduling();
        TransportTls tls;
        try {
            tls = o.tls.load(true).orElse(null);
        } catch (IllegalArgumentException e) {
            System.err.println("ringcache-pd: " + e.getMessage());
            System.exit(2);
            return;
        }
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        PlacementDriverServer pd = new PlacementDriverServer(self, members, o.dataDir.toAbsolutePath().toFile(), config,
                o.electionMillis(), tls)
                .onAuthRefusal(reason -> io.micrometer.core.instrument.Counter.builder("ringcache_auth_refusals")
                        .tag("door", "pd").tag("reason", reason).register(metrics).increment());
        Server grpc = null;
        HttpServer http = null;
        try {
            pd.start();
            grpc = (tls == null ? NettyServerBuilder.forAddress(bind(o.grpcAddr))
                    : NettyServerBuilder.forAddress(bind(o.grpcAddr), tls.serverCredentials()))
                    .permitKeepAliveTime(io.ringcache.transport.PeerChannel.PERMIT_KEEPALIVE_SECONDS,
                            java.util.concurrent.TimeUnit.SECONDS)
                    .addService(pd.service()).build().start();
            http = health(bind(o.httpAddr), pd, tls, metrics);
            System.err.printf("ringcache-pd %s: grpc %s, raft %s, http %s, %d member(s), %d initial shards; %s%n", self.id(),
                    self.grpcAddress(), self.raftAddress(), o.httpAddr, members.size(), config.initialShards(),
                    o.tls.describe());
        } catch (IOException | RuntimeException e) {
            System.err.println("ringcache-pd: cannot start: " + e.getMessage());
            stop(grpc, http, pd);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Server g = grpc;
        HttpServer h = http;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(g, h, pd);
            stopped.countDown();
        }, "ringcache-pd-shutdown"));
        stopped.await();
    }

    private static InetSocketAddress bind(String addr) {
        String host = PdOptions.host(addr);
        int port = PdOptions.port(addr);
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /**
     * {@code /health}: the process serves; {@code /ready}: a PD leader is known (this member or
     * another); {@code /metrics}: auth refusals. HTTPS with TLS on (client certificates not asked: probes carry none, and these
     * pages say nothing secret).
     */
    private static HttpServer health(InetSocketAddress addr, PlacementDriverServer pd, TransportTls tls,
                                     io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics) throws IOException {
        HttpServer http;
        if (tls == null) {
            http = HttpServer.create(addr, 16);
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(addr, 16);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls.sslContext(true)));
            http = https;
        }
        http.createContext("/health", ex -> reply(ex, 200, "ok\n"));
        // Prometheus text: refusals of this member's calls by auth (ringcache_auth_refusals_total).
        http.createContext("/metrics", ex -> reply(ex, 200, metrics.scrape()));
        http.createContext("/ready", ex -> {
            var leader = pd.log().leader();
            reply(ex, leader.isPresent() ? 200 : 503, leader.map(m -> "ready: leader " + m.id() + "\n")
                    .orElse("not ready: no placement driver leader\n"));
        });
        http.start();
        return http;
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void stop(Server grpc, HttpServer http, PlacementDriverServer pd) {
        if (http != null) {
            http.stop(0);
        }
        if (grpc != null) {
            grpc.shutdown();
            try {
                grpc.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            pd.close();
        } catch (IOException e) {
            System.err.println("ringcache-pd: " + e.getMessage());
        }
    }
}
