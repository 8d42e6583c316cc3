package io.ringcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ringcache.chaos.adapter.grpc.PdProbe;
import io.ringcache.client.RingcacheClient;
import io.ringcache.proto.v1.AddShardReplicaRequest;
import io.ringcache.proto.v1.PlacementDriverGrpc;
import io.ringcache.proto.v1.RegisterStoreRequest;
import io.ringcache.proto.v1.StoreAdminGrpc;
import io.ringcache.transport.TransportTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, TLS, on real processes: a placement driver and three stores run with one certificate
 * from a throw-away CA ({@code bin/ringcache-certs}), every port on TLS. The SDK, HTTP, the Redis
 * port and ringctl work over TLS; a plaintext client, a client with a certificate from another
 * CA, and a store with a certificate from another CA are refused and change nothing; member-only
 * calls refuse a TLS client without a certificate; and a certificate rotated on disk during load
 * is served to new connections with no failed request.
 */
class TlsProcessIT {

    @Test
    void aClusterOnTlsServesTlsClientsAndRefusesEveryoneElse() throws Exception {
        try (ClusterProcesses cluster = new ClusterProcesses()) {
            Path certs = cluster.folder("certs");
            Path other = cluster.folder("other-ca");
            ClusterProcesses.Result made = cluster.run("ringcache-certs", certs.toString(), "node", "client");
            assertEquals(0, made.exit(), made.err());
            made = cluster.run("ringcache-certs", other.toString(), "node");
            assertEquals(0, made.exit(), made.err());
            String[] tlsFlags = {"-tls_cert", certs.resolve("node.pem").toString(), "-tls_key",
                    certs.resolve("node.key").toString(), "-tls_ca", certs.resolve("ca.pem").toString(), "-tls_reload", "1s",
                    "-tls_member_cn", "node"};

            String pd = "127.0.0.1:" + ClusterProcesses.freePort();
            cluster.startProgram("pd1", "ringcache-pd", concat(new String[] {"-grpc_addr", pd,
                    "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-http_addr", "127.0.0.1:" + ClusterProcesses.freePort(),
                    "-data_dir", "data", "-shards", "4"}, tlsFlags));
            int[] http = new int[3];
            int redis = ClusterProcesses.freePort();
            for (int i = 0; i < 3; i++) {
                http[i] = ClusterProcesses.freePort();
                String[] flags = {"-node_id", "s" + (i + 1), "-http_addr", "127.0.0.1:" + http[i],
                        "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-raft_dir", "data", "-pd", pd,
                        "-shard_memory_mb", "16", "-maxmemory", "256MiB"};
                if (i == 0) {
                    flags = concat(flags, new String[] {"-redis_addr", "127.0.0.1:" + redis});
                }
                cluster.start("s" + (i + 1), concat(flags, tlsFlags));
            }
            TransportTls clientTls = TransportTls.load(null, null, certs.resolve("ca.pem"), TransportTls.ClientAuth.OPTIONAL,
                    Duration.ofSeconds(30));
            TransportTls operatorTls = TransportTls.load(certs.resolve("client.pem"), certs.resolve("client.key"),
                    certs.resolve("ca.pem"), TransportTls.ClientAuth.OPTIONAL, Duration.ofSeconds(30));
            TransportTls strangerTls = TransportTls.load(other.resolve("node.pem"), other.resolve("node.key"),
                    certs.resolve("ca.pem"), TransportTls.ClientAuth.OPTIONAL, Duration.ofSeconds(30));
            try (PdProbe probe = new PdProbe(pd, clientTls.channelCredentials()); clientTls; operatorTls; strangerTls) {
                cluster.await("every shard with 3 replicas and a leader, over TLS", () -> probe.settled(3));

                // The SDK over TLS.
                try (RingcacheClient client = RingcacheClient.builder().placementDriver(pd).tls(certs.resolve("ca.pem"))
                        .requestTimeout(Duration.ofSeconds(20)).build()) {
                    for (int i = 0; i < 100; i++) {
                        client.put("k" + i, "v" + i);
                    }
                    for (int i = 0; i < 100; i++) {
                        assertEquals("v" + i, client.get("k" + i).orElseThrow().asString());
                    }
                }
                // A plaintext SDK, and an SDK whose certificate another CA signed, cannot connect.
                assertThrows(RuntimeException.class, () -> RingcacheClient.builder().placementDriver(pd)
                        .connectTimeout(Duration.ofSeconds(3)).build().close());
                assertThrows(RuntimeException.class, () -> RingcacheClient.builder().placementDriver(pd)
                        .tls(certs.resolve("ca.pem"), other.resolve("node.pem"), other.resolve("node.key"))
                        .connectTimeout(Duration.ofSeconds(3)).build().close());

                // HTTPS; plain HTTP and a stranger's certificate get no answer, and change nothing.
                HttpClient https = HttpClient.newBuilder().sslContext(clientTls.sslContext(false))
                        .connectTimeout(Duration.ofSeconds(5)).build();
                assertEquals("ok", get(https, "https://127.0.0.1:" + http[1] + "/set?key=h&value=1").body().trim());
                assertEquals("1", get(https, "https://127.0.0.1:" + http[2] + "/get?key=h").body().trim());
                assertTrue(cluster.tryGet(http[0], "/set?key=h&value=plain") == null, "plain HTTP is refused");
                HttpClient stranger = HttpClient.newBuilder().sslContext(strangerTls.sslContext(false))
                        .connectTimeout(Duration.ofSeconds(5)).build();
                assertThrows(IOException.class, () -> get(stranger, "https://127.0.0.1:" + http[0] + "/set?key=h&value=stranger"));
                assertEquals("1", get(https, "https://127.0.0.1:" + http[0] + "/get?key=h").body().trim());
                // /join adds a store: a TLS client without a member's certificate is refused (403), one with it is not.
                HttpResponse<String> join = get(https, "https://127.0.0.1:" + http[0]
                        + "/join?node_id=intruder&addr=127.0.0.1:1&grpc_addr=127.0.0.1:2");
                assertEquals(403, join.statusCode(), join.body());
                HttpClient operatorHttps = HttpClient.newBuilder().sslContext(operatorTls.sslContext(false))
                        .connectTimeout(Duration.ofSeconds(5)).build();
                join = get(operatorHttps, "https://127.0.0.1:" + http[0] + "/join?node_id=intruder&addr=127.0.0.1:1&grpc_addr=127.0.0.1:2");
                assertEquals(403, join.statusCode(), "an operator's certificate is not a member's: " + join.body());
                // Profiling pages need a certificate; health and readiness (probes) do not.
                assertEquals(403, get(https, "https://127.0.0.1:" + http[0] + "/debug/pprof/").statusCode());
                assertEquals(200, get(https, "https://127.0.0.1:" + http[0] + "/health").statusCode());

                // The Redis port speaks TLS.
                assertEquals("+PONG", resp(clientTls, redis, "*1\r\n$4\r\nPING\r\n"));
                assertEquals("$1", resp(clientTls, redis, "*2\r\n$3\r\nGET\r\n$1\r\nh\r\n").lines().findFirst().orElse(""));
                assertEquals("", plainResp(redis, "*1\r\n$4\r\nPING\r\n"), "a plaintext Redis client gets no answer");
                String strangerReply;
                try {
                    strangerReply = resp(strangerTls, redis, "*1\r\n$4\r\nPING\r\n");
                } catch (IOException e) { // TLS 1.3: the refusal may surface at the first read
                    strangerReply = "";
                }
                assertEquals("", strangerReply, "a certificate from another CA gets no answer");

                // ringctl: TLS with --tls-ca; without it the PD does not answer.
                ClusterProcesses.Result status = cluster.run("ringctl", "--pd", pd, "--tls-ca", certs.resolve("ca.pem").toString(),
                        "status");
                assertEquals(0, status.exit(), status.out() + status.err());
                assertTrue(status.out().contains("Stores      3: 3 up"), status.out());
                ClusterProcesses.Result plain = cluster.run("ringctl", "--pd", pd, "--timeout", "3s", "status");
                assertNotEquals(0, plain.exit(), plain.out());
                // Changing placement needs a certificate (an operator's will do); reading it does not.
                ClusterProcesses.Result anonymousCancel = cluster.run("ringctl", "--pd", pd, "--tls-ca",
                        certs.resolve("ca.pem").toString(), "cancel", "op-999");
                assertTrue(anonymousCancel.err().contains("UNAUTHENTICATED"), anonymousCancel.err());
                ClusterProcesses.Result operatorCancel = cluster.run("ringctl", "--pd", pd, "--tls-ca",
                        certs.resolve("ca.pem").toString(), "--tls-cert", certs.resolve("client.pem").toString(),
                        "--tls-key", certs.resolve("client.key").toString(), "cancel", "op-999");
                assertTrue(operatorCancel.err().contains("no operator op-999"), operatorCancel.err());

                // Member-only gRPC calls refuse a TLS client without a certificate, whatever it asks.
                ManagedChannel anonymous = Grpc.newChannelBuilder(pd, clientTls.channelCredentials()).build();
                try {
                    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () ->
                            PlacementDriverGrpc.newBlockingStub(anonymous).withDeadlineAfter(5, TimeUnit.SECONDS)
                                    .registerStore(RegisterStoreRequest.getDefaultInstance()));
                    assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
                    // An operator's certificate (common name "client") is not a member's either.
                    ManagedChannel operator = Grpc.newChannelBuilder(pd, operatorTls.channelCredentials()).build();
                    try {
                        StatusRuntimeException notMember = assertThrows(StatusRuntimeException.class, () ->
                                PlacementDriverGrpc.newBlockingStub(operator).withDeadlineAfter(5, TimeUnit.SECONDS)
                                        .registerStore(RegisterStoreRequest.getDefaultInstance()));
                        assertEquals(Status.Code.UNAUTHENTICATED, notMember.getStatus().getCode());
                    } finally {
                        operator.shutdownNow();
                    }
                    String store = probe.status().getStoresList().get(0).getStore().getGrpcAddress();
                    ManagedChannel toStore = Grpc.newChannelBuilder(store, clientTls.channelCredentials()).build();
                    try {
                        StatusRuntimeException admin = assertThrows(StatusRuntimeException.class, () ->
                                StoreAdminGrpc.newBlockingStub(toStore).withDeadlineAfter(5, TimeUnit.SECONDS)
                                        .addShardReplica(AddShardReplicaRequest.getDefaultInstance()));
                        assertEquals(Status.Code.UNAUTHENTICATED, admin.getStatus().getCode());
                    } finally {
                        toStore.shutdownNow();
                    }
                } finally {
                    anonymous.shutdownNow();
                }

                // Every refusal is counted: HTTP and Redis by door and reason, gRPC as UNAUTHENTICATED errors.
                String metrics = get(https, "https://127.0.0.1:" + http[0] + "/metrics").body();
                for (String door : new String[] {"http\",reason=\"handshake", "http\",reason=\"forbidden",
                        "resp\",reason=\"handshake"}) {
                    assertTrue(java.util.regex.Pattern.compile("ringcache_tls_refusals_total\\{door=\"" + door
                            + "\",?\\} [1-9]").matcher(metrics).find(), door + " refusals not counted:\n" + metrics.lines()
                            .filter(l -> l.contains("refusals")).toList());
                }
                int refusedStores = 0;
                for (int port : http) {
                    refusedStores += get(https, "https://127.0.0.1:" + port + "/metrics").body()
                            .contains("method=\"AddShardReplica\",status=\"UNAUTHENTICATED\"") ? 1 : 0;
                }
                assertEquals(1, refusedStores, "the store that refused AddShardReplica counts it");

                // A store whose certificate another CA signed cannot register, nor take part in any group.
                cluster.start("intruder", "-node_id", "intruder", "-http_addr", "127.0.0.1:" + ClusterProcesses.freePort(),
                        "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-raft_dir", "data", "-pd", pd,
                        "-shard_memory_mb", "16", "-maxmemory", "256MiB",
                        "-tls_cert", other.resolve("node.pem").toString(), "-tls_key", other.resolve("node.key").toString(),
                        "-tls_ca", other.resolve("ca.pem").toString());
                cluster.await("the intruder's registration to fail", () -> cluster.log("intruder").contains("registering with placement"));
                assertEquals(3, probe.status().getStoresCount(), "the intruder is not a store");
                cluster.kill("intruder");

                rotationUnderLoad(cluster, certs, pd, http[0]);
            }
        }
    }

    /**
     * Writes and reads run while every process's certificate is replaced on disk (same CA, new
     * key): new connections get the new certificate within the reload period, and no request fails.
     */
    private static void rotationUnderLoad(ClusterProcesses cluster, Path certs, String pd, int httpPort) throws Exception {
        BigInteger before = servedSerial(certs, httpPort);
        assertEquals(serialOf(certs.resolve("node.pem")), before);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        try (RingcacheClient client = RingcacheClient.builder().placementDriver(pd).tls(certs.resolve("ca.pem"))
                .requestTimeout(Duration.ofSeconds(20)).build()) {
            try {
                for (int w = 0; w < 2; w++) {
                    int worker = w;
                    Thread t = new Thread(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            try {
                                String key = "rot-" + worker + "-" + (i % 50);
                                client.put(key, "v" + i);
                                assertEquals("v" + i, client.get(key).orElseThrow().asString());
                                ok.incrementAndGet();
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                                return;
                            }
                        }
                    }, "rotation-load-" + w);
                    t.start();
                    workers.add(t);
                }
                cluster.await("load running", () -> ok.get() > 50);
                ClusterProcesses.Result rotated = cluster.run("ringcache-certs", certs.toString(), "node");
                assertEquals(0, rotated.exit(), rotated.err());
                BigInteger after = serialOf(certs.resolve("node.pem"));
                assertNotEquals(before, after);
                cluster.await("the rotated certificate served", () -> after.equals(servedSerial(certs, httpPort)));
                long atRotation = ok.get();
                // New connections after the rotation: a fresh client works too.
                try (RingcacheClient fresh = RingcacheClient.builder().placementDriver(pd).tls(certs.resolve("ca.pem")).build()) {
                    fresh.put("after-rotation", "yes");
                    assertEquals("yes", fresh.get("after-rotation").orElseThrow().asString());
                }
                cluster.await("load going on after the rotation", () -> ok.get() > atRotation + 50);
            } finally {
                // Before the client closes: a request cut off by close() is not a failure of the rotation.
                stop.set(true);
                for (Thread t : workers) {
                    t.join(30_000);
                }
            }
        }
        assertEquals(null, failure.get(), "no request failed during the rotation");
        System.out.printf("TlsProcessIT: %d write+read pairs across a certificate rotation, none failed%n", ok.get());
    }

    /** The serial of the certificate a store's HTTPS port presents to a new connection. */
    static BigInteger servedSerial(Path certs, int port) {
        try (TransportTls tls = TransportTls.load(null, null, certs.resolve("ca.pem"), TransportTls.ClientAuth.OPTIONAL,
                Duration.ofSeconds(30));
             SSLSocket socket = (SSLSocket) tls.sslContext(false).getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (IOException e) {
            return BigInteger.ZERO;
        }
    }

    static BigInteger serialOf(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        }
    }

    /** One RESP command over TLS; the reply's first line (and the next for a bulk string). */
    private static String resp(TransportTls tls, int port, String command) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.sslContext(false).getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(command.getBytes(StandardCharsets.UTF_8));
            out.flush();
            byte[] buf = new byte[256];
            int n = socket.getInputStream().read(buf);
            return new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8).trim();
        }
    }

    /** One RESP command in plaintext: what came back before the server closed the connection. */
    private static String plainResp(int port, String command) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(command.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            byte[] all = socket.getInputStream().readAllBytes();
            return new String(all, StandardCharsets.UTF_8).trim();
        } catch (java.net.SocketException e) {
            return ""; // reset by the server: no answer either
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
