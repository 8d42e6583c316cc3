package io.ringcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.chaos.adapter.grpc.PdProbe;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.RingcacheException;
import io.ringcache.transport.TransportTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, authentication and authorisation, on real processes with TLS: ringctl sets up users
 * and roles and turns auth on; then every front door (the SDK over gRPC, HTTPS, the Redis port,
 * ringctl) refuses no credentials, wrong credentials and a user without the right on the key,
 * with its typed error, and the refused write changes nothing; refusals are counted. Finally the
 * SDK and HTTP workloads run signed in while every process's certificate rotates, with no failed
 * request.
 */
class AuthProcessIT {

    private static final String ALICE_PASSWORD = "alice-password-1";
    private static final String ROOT_PASSWORD = "root-password-1";

    @Test
    void aLockedDownClusterLetsInOnlyWhomItShould() throws Exception {
        try (ClusterProcesses cluster = new ClusterProcesses()) {
            Path certs = cluster.folder("certs");
            Path other = cluster.folder("other-ca");
            assertEquals(0, cluster.run("ringcache-certs", certs.toString(), "node", "client").exit());
            assertEquals(0, cluster.run("ringcache-certs", other.toString(), "client").exit());
            String[] tlsFlags = {"-tls_cert", certs.resolve("node.pem").toString(), "-tls_key",
                    certs.resolve("node.key").toString(), "-tls_ca", certs.resolve("ca.pem").toString(), "-tls_reload", "1s",
                    "-tls_member_cn", "node"};
            String pd = "127.0.0.1:" + ClusterProcesses.freePort();
            int pdHttp = ClusterProcesses.freePort();
            cluster.startProgram("pd1", "ringcache-pd", concat(new String[] {"-grpc_addr", pd,
                    "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-http_addr", "127.0.0.1:" + pdHttp,
                    "-data_dir", "data", "-shards", "4"}, tlsFlags));
            int[] http = new int[3];
            int redis = ClusterProcesses.freePort();
            for (int i = 0; i < 3; i++) {
                http[i] = ClusterProcesses.freePort();
                String[] flags = {"-node_id", "s" + (i + 1), "-http_addr", "127.0.0.1:" + http[i],
                        "-raft_addr", "127.0.0.1:" + ClusterProcesses.freePort(), "-raft_dir", "data", "-pd", pd,
                        "-shard_memory_mb", "16", "-maxmemory", "256MiB"};
                if (i == 1) {
                    flags = concat(flags, new String[] {"-redis_addr", "127.0.0.1:" + redis});
                }
                cluster.start("s" + (i + 1), concat(flags, tlsFlags));
            }
            Path secrets = Files.createDirectories(cluster.folder("secrets"));
            Path rootPw = Files.writeString(secrets.resolve("root.pw"), ROOT_PASSWORD + "\n");
            Path alicePw = Files.writeString(secrets.resolve("alice.pw"), ALICE_PASSWORD + "\n");
            String[] operator = {"--pd", pd, "--tls-ca", certs.resolve("ca.pem").toString(), "--tls-cert",
                    certs.resolve("client.pem").toString(), "--tls-key", certs.resolve("client.key").toString()};
            TransportTls clientTls = TransportTls.load(null, null, certs.resolve("ca.pem"), TransportTls.ClientAuth.OPTIONAL,
                    Duration.ofSeconds(30));
            try (PdProbe probe = new PdProbe(pd, TransportTls.load(certs.resolve("node.pem"), certs.resolve("node.key"),
                    certs.resolve("ca.pem"), TransportTls.ClientAuth.OPTIONAL, Duration.ofSeconds(30)).channelCredentials());
                 clientTls) {
                cluster.await("every shard with 3 replicas and a leader", () -> probe.settled(3));

                // Users and roles, then auth on (ringctl, with an operator's certificate).
                for (String[] step : new String[][] {
                        {"role", "add", "ops"}, {"role", "grant", "ops", "admin"}, {"role", "grant", "ops", "readwrite", ""},
                        {"user", "add", "root", "--new-password-file", rootPw.toString()}, {"user", "grant-role", "root", "ops"},
                        {"role", "add", "app"}, {"role", "grant", "app", "readwrite", "app/"},
                        {"user", "add", "alice", "--new-password-file", alicePw.toString()}, {"user", "grant-role", "alice", "app"},
                        {"user", "add", "client", "--no-password"}, {"user", "grant-role", "client", "ops"},
                        {"auth", "enable"}}) {
                    ClusterProcesses.Result r = cluster.run("ringctl", concat(operator, step));
                    assertEquals(0, r.exit(), String.join(" ", step) + ": " + r.out() + r.err());
                }
                ClusterProcesses.Result token = cluster.run("ringctl", concat(concat(operator, new String[] {"--user", "root",
                        "--password-file", rootPw.toString()}), new String[] {"user", "token", "alice"}));
                assertEquals(0, token.exit(), token.err());
                String aliceToken = token.out().strip();

                HttpClient https = HttpClient.newBuilder().sslContext(clientTls.sslContext(false))
                        .connectTimeout(Duration.ofSeconds(5)).build();
                String alice = "Basic " + Base64.getEncoder().encodeToString(("alice:" + ALICE_PASSWORD).getBytes());
                String root = "Basic " + Base64.getEncoder().encodeToString(("root:" + ROOT_PASSWORD).getBytes());
                for (int port : http) {
                    cluster.await("store on " + port + " enforcing auth",
                            () -> status(https, port, "GET", "/v1/kv/app/probe", null, null) == 401);
                }

                // ---- HTTPS ----
                String s1 = "https://127.0.0.1:" + http[0];
                HttpResponse<String> none = send(https, "PUT", s1 + "/v1/kv/app/h", null, "v");
                assertEquals(401, none.statusCode(), none.body());
                assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").contains("Basic"));
                String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:nope".getBytes());
                assertEquals(401, send(https, "PUT", s1 + "/v1/kv/app/h", wrong, "v").statusCode());
                assertEquals(403, send(https, "PUT", s1 + "/v1/kv/other/h", alice, "v").statusCode());
                assertEquals(200, send(https, "PUT", s1 + "/v1/kv/app/h", alice, "v1").statusCode());
                assertEquals("v1", send(https, "GET", "https://127.0.0.1:" + http[2] + "/v1/kv/app/h", "Bearer " + aliceToken, null)
                        .body());
                assertEquals(404, send(https, "GET", s1 + "/v1/kv/other/h", root, null).statusCode(),
                        "the refused write changed nothing");
                assertEquals(403, send(https, "GET", s1 + "/debug/pprof/", alice, null).statusCode(), "profiling is for admins");
                assertEquals(200, send(https, "GET", s1 + "/health", null, null).statusCode(), "probes stay open");

                // ---- the SDK over gRPC ----
                assertThrows(RuntimeException.class, () -> RingcacheClient.builder().placementDriver(pd)
                        .tls(certs.resolve("ca.pem")).connectTimeout(Duration.ofSeconds(3)).build().close(),
                        "no credentials: the map is not served");
                assertThrows(RuntimeException.class, () -> RingcacheClient.builder().placementDriver(pd)
                        .tls(certs.resolve("ca.pem")).credentials("alice", "nope").connectTimeout(Duration.ofSeconds(3))
                        .build().close(), "a wrong password: refused");
                assertThrows(RuntimeException.class, () -> RingcacheClient.builder().placementDriver(pd)
                        .tls(certs.resolve("ca.pem"), other.resolve("client.pem"), other.resolve("client.key"))
                        .credentials("alice", ALICE_PASSWORD).connectTimeout(Duration.ofSeconds(3)).build().close(),
                        "a certificate from another CA: refused");
                assertThrows(RuntimeException.class, () -> RingcacheClient.builder().placementDriver(pd)
                        .credentials("alice", ALICE_PASSWORD).connectTimeout(Duration.ofSeconds(3)).build().close(),
                        "plaintext on a TLS port: refused");
                try (RingcacheClient client = sdk(pd, certs).credentials("alice", ALICE_PASSWORD).build()) {
                    client.put("app/sdk", "1");
                    assertEquals("1", client.get("app/sdk").orElseThrow().asString());
                    RingcacheException.Rejected denied = assertInstanceOf(RingcacheException.Rejected.class,
                            assertThrows(RingcacheException.class, () -> client.put("other/sdk", "x")));
                    assertEquals("PERMISSION_DENIED", denied.reason());
                    assertThrows(RingcacheException.class, () -> client.get("other/sdk"));
                }
                try (RingcacheClient client = sdk(pd, certs).token(aliceToken).build()) {
                    assertEquals("1", client.get("app/sdk").orElseThrow().asString());
                }
                try (RingcacheClient client = sdk(pd, certs).credentials("root", ROOT_PASSWORD).build()) {
                    assertTrue(client.get("other/sdk").isEmpty(), "the refused SDK write changed nothing");
                }

                // ---- the Redis port (TLS) ----
                try (Resp resp = new Resp(clientTls, redis)) {
                    assertTrue(resp.call("GET", "app/h").startsWith("-NOAUTH"));
                    assertTrue(resp.call("AUTH", "alice", "nope").startsWith("-WRONGPASS"));
                    assertEquals("+OK", resp.call("AUTH", "alice", ALICE_PASSWORD));
                    assertEquals("v1", resp.call("GET", "app/h"));
                    assertTrue(resp.call("SET", "other/r", "x").startsWith("-NOPERM"));
                    assertEquals("+OK", resp.call("SET", "app/r", "x"));
                }
                try (Resp resp = new Resp(clientTls, redis)) {
                    assertTrue(resp.call("HELLO", "3", "AUTH", "root", ROOT_PASSWORD).startsWith("%"));
                    assertEquals("_", resp.call("GET", "other/r"), "the refused SET changed nothing (RESP3 null)");
                }

                // ---- ringctl ----
                String[] anonymousCtl = {"--pd", pd, "--tls-ca", certs.resolve("ca.pem").toString()};
                ClusterProcesses.Result ctl = cluster.run("ringctl", concat(anonymousCtl, new String[] {"status"}));
                assertEquals(1, ctl.exit(), ctl.err());
                assertTrue(ctl.err().contains("not signed in"), ctl.err());
                ctl = cluster.run("ringctl", concat(anonymousCtl, new String[] {"--user", "alice", "--password-file",
                        alicePw.toString(), "status"}));
                assertEquals(0, ctl.exit(), ctl.err());
                ctl = cluster.run("ringctl", concat(operator, new String[] {"--user", "alice", "--password-file",
                        alicePw.toString(), "rebalance", "--dry-run"}));
                assertEquals(1, ctl.exit(), ctl.err());
                assertTrue(ctl.err().contains("permission denied"), ctl.err());

                // Refusals are counted on the stores (by door) and on the placement driver.
                String metrics = "";
                for (int port : http) {
                    metrics += send(https, "GET", "https://127.0.0.1:" + port + "/metrics", null, null).body();
                }
                for (String door : new String[] {"grpc", "http", "resp"}) {
                    assertTrue(metrics.contains("ringcache_auth_refusals_total{door=\"" + door + "\",reason=\"permission_denied\"}")
                            || metrics.contains("ringcache_auth_refusals_total{door=\"" + door + "\",reason=\"unauthenticated\"}"),
                            door + " refusals not counted:\n" + metrics.lines().filter(l -> l.contains("auth_refusals")).toList());
                }
                String pdMetrics = send(https, "GET", "https://127.0.0.1:" + pdHttp + "/metrics", null, null).body();
                assertTrue(pdMetrics.contains("ringcache_auth_refusals_total{door=\"pd\",reason=\"unauthenticated\"}"), pdMetrics);
                assertTrue(!String.join("\n", cluster.log("s1"), cluster.log("pd1")).contains(ALICE_PASSWORD),
                        "no password in any log");

                workloadsAcrossARotation(cluster, certs, pd, https, http, alice);
            }
        }
    }

    /** SDK and HTTP writers, signed in as alice, while every process's certificate is replaced on disk. */
    private static void workloadsAcrossARotation(ClusterProcesses cluster, Path certs, String pd, HttpClient https,
                                                 int[] http, String alice) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        try (RingcacheClient client = sdk(pd, certs).credentials("alice", ALICE_PASSWORD).build()) {
            try {
                for (int w = 0; w < 3; w++) {
                    int worker = w;
                    Thread t = new Thread(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            try {
                                String key = "app/rot-" + worker + "-" + (i % 50);
                                if (worker < 2) {
                                    client.put(key, "v" + i);
                                    assertEquals("v" + i, client.get(key).orElseThrow().asString());
                                } else {
                                    String url = "https://127.0.0.1:" + http[i % 3] + "/v1/kv/" + key;
                                    HttpResponse<String> put = send(https, "PUT", url, alice, "v" + i);
                                    assertEquals(200, put.statusCode(), put.body());
                                    assertEquals("v" + i, send(https, "GET", url, alice, null).body());
                                }
                                ok.incrementAndGet();
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                                return;
                            }
                        }
                    }, "auth-load-" + w);
                    t.start();
                    workers.add(t);
                }
                cluster.await("load running", () -> ok.get() > 50);
                BigInteger before = TlsProcessIT.serialOf(certs.resolve("node.pem"));
                assertEquals(0, cluster.run("ringcache-certs", certs.toString(), "node").exit());
                BigInteger after = TlsProcessIT.serialOf(certs.resolve("node.pem"));
                assertNotEquals(before, after);
                cluster.await("the rotated certificate served", () -> after.equals(TlsProcessIT.servedSerial(certs, http[0])));
                long atRotation = ok.get();
                cluster.await("load going on after the rotation", () -> ok.get() > atRotation + 50);
            } finally {
                stop.set(true);
                for (Thread t : workers) {
                    t.join(30_000);
                }
            }
        }
        assertEquals(null, failure.get(), "no request failed during the rotation");
        System.out.printf("AuthProcessIT: %d signed-in write+read pairs (SDK and HTTPS) across a rotation, none failed%n", ok.get());
    }

    private static io.ringcache.client.RingcacheClientBuilder sdk(String pd, Path certs) {
        return RingcacheClient.builder().placementDriver(pd).tls(certs.resolve("ca.pem")).requestTimeout(Duration.ofSeconds(20));
    }

    private static int status(HttpClient client, int port, String method, String path, String auth, String body) {
        try {
            return send(client, method, "https://127.0.0.1:" + port + path, auth, body).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static HttpResponse<String> send(HttpClient client, String method, String url, String auth, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One RESP connection over TLS: each call sends one command and reads one simple reply (a bulk string's value). */
    private static final class Resp implements AutoCloseable {
        private final SSLSocket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Resp(TransportTls tls, int port) throws IOException {
            socket = (SSLSocket) tls.sslContext(false).getSocketFactory().createSocket("127.0.0.1", port);
            socket.setSoTimeout(15_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        /** The reply's first line; for a bulk string its value; for a RESP3 map the "%N" line (the rest skipped). */
        String call(String... words) throws IOException {
            StringBuilder b = new StringBuilder("*").append(words.length).append("\r\n");
            for (String w : words) {
                b.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line = in.readLine();
            if (line.startsWith("$") && !line.equals("$-1")) {
                return in.readLine();
            }
            if (line.startsWith("%")) {
                int pairs = Integer.parseInt(line.substring(1));
                for (int i = 0; i < 2 * pairs; i++) {
                    skipValue();
                }
            }
            return line;
        }

        private void skipValue() throws IOException {
            String line = in.readLine();
            char t = line.charAt(0);
            if (t == '$' && !line.equals("$-1")) {
                in.readLine();
            } else if (t == '*' || t == '~') {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < n; i++) {
                    skipValue();
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
