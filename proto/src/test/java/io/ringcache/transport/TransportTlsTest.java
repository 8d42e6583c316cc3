package io.ringcache.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.ringcache.proto.v1.ExecuteRequest;
import io.ringcache.proto.v1.ExecuteResponse;
import io.ringcache.proto.v1.GetRequest;
import io.ringcache.proto.v1.GetResponse;
import io.ringcache.proto.v1.KvGrpc;
import io.ringcache.testing.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS as every ringcache process sets it up, against a real gRPC server: who may connect, who may
 * make member-only calls ({@link PeerOnly}), and a certificate replaced on disk reaching new
 * connections without a restart. Fixtures: src/test/resources/tls/README.md.
 */
class TransportTlsTest {

    @TempDir
    Path dir;

    private TransportTls serverTls;
    private Server server;

    /** Answers Get with found=true; Execute is member-only, as on a store. */
    private static final class Kv extends KvGrpc.KvImplBase {
        @Override
        public void get(GetRequest request, StreamObserver<GetResponse> out) {
            out.onNext(GetResponse.newBuilder().setFound(true).build());
            out.onCompleted();
        }

        @Override
        public void touch(io.ringcache.proto.v1.TouchRequest request, StreamObserver<io.ringcache.proto.v1.TouchResponse> out) {
            out.onNext(io.ringcache.proto.v1.TouchResponse.getDefaultInstance());
            out.onCompleted();
        }

        @Override
        public void execute(ExecuteRequest request, StreamObserver<ExecuteResponse> out) {
            out.onNext(ExecuteResponse.getDefaultInstance());
            out.onCompleted();
        }
    }

    @BeforeEach
    void start() throws Exception {
        for (String f : new String[] {"ca.pem", "node.pem", "node.key", "node2.pem", "node2.key", "client.pem",
                "client.key", "other-ca.pem", "other.pem", "other.key"}) {
            try (InputStream in = getClass().getResourceAsStream("/tls/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        Files.copy(dir.resolve("node.pem"), dir.resolve("served.pem"));
        Files.copy(dir.resolve("node.key"), dir.resolve("served.key"));
        serverTls = TransportTls.load(dir.resolve("served.pem"), dir.resolve("served.key"), dir.resolve("ca.pem"),
                TransportTls.ClientAuth.OPTIONAL, Set.of("node", "node2"), Duration.ofMillis(100));
        // Execute for members (common name node or node2), Get for anyone, Touch for any certificate.
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), serverTls.serverCredentials())
                .addService(ServerInterceptors.intercept(new Kv(),
                        PeerOnly.members(serverTls, Set.of(KvGrpc.getExecuteMethod().getFullMethodName())),
                        PeerOnly.certified(serverTls, Set.of(KvGrpc.getTouchMethod().getFullMethodName()))))
                .build().start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        serverTls.close();
    }

    private TransportTls client(String cert, String key, String ca) {
        return TransportTls.load(cert == null ? null : dir.resolve(cert), key == null ? null : dir.resolve(key),
                dir.resolve(ca), TransportTls.ClientAuth.OPTIONAL, Duration.ofSeconds(30));
    }

    /** What a call needs: nothing, a member's certificate, or any certificate from the CA. */
    private enum Needs { NOTHING, MEMBER, CERTIFICATE }

    private Status.Code call(ChannelCredentials credentials, boolean memberOnly) {
        return call(credentials, memberOnly ? Needs.MEMBER : Needs.NOTHING);
    }

    private Status.Code call(ChannelCredentials credentials, Needs needs) {
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + server.getPort(), credentials).build();
        try {
            KvGrpc.KvBlockingStub stub = KvGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
            switch (needs) {
                case MEMBER -> stub.execute(ExecuteRequest.getDefaultInstance());
                case CERTIFICATE -> stub.touch(io.ringcache.proto.v1.TouchRequest.getDefaultInstance());
                default -> assertTrue(stub.get(GetRequest.getDefaultInstance()).getFound());
            }
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aClientTrustingTheCaConnectsAndOnlyAMemberMakesMemberCalls() {
        try (TransportTls anonymous = client(null, null, "ca.pem"); TransportTls member = client("node2.pem", "node2.key", "ca.pem")) {
            assertFalse(anonymous.hasIdentity());
            assertEquals(Status.Code.OK, call(anonymous.channelCredentials(), false));
            assertEquals(Status.Code.UNAUTHENTICATED, call(anonymous.channelCredentials(), true));
            assertEquals(Status.Code.OK, call(member.channelCredentials(), true));
            assertEquals(Status.Code.UNAUTHENTICATED, call(anonymous.channelCredentials(), Needs.CERTIFICATE));
            assertEquals(Status.Code.OK, call(member.channelCredentials(), Needs.CERTIFICATE));
        }
    }

    @Test
    void aCertificateFromTheCaWithoutAMemberNameIsAClientNotAMember() {
        try (TransportTls client = client("client.pem", "client.key", "ca.pem")) {
            assertEquals(Status.Code.OK, call(client.channelCredentials(), Needs.NOTHING));
            assertEquals(Status.Code.OK, call(client.channelCredentials(), Needs.CERTIFICATE), "an operator's call");
            assertEquals(Status.Code.UNAUTHENTICATED, call(client.channelCredentials(), Needs.MEMBER), "not a member's");
        }
        assertEquals("client", TransportTls.commonName(leaf("client.pem")));
    }

    @Test
    void theRaftVerifierAdmitsOnlyMembersOnEitherEnd() throws Exception {
        // A server as Ratis runs it: mutual TLS, the member verifier on both sides.
        Server raft = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                        io.grpc.TlsServerCredentials.newBuilder().keyManager(serverTls.keyManager())
                                .trustManager(serverTls.memberVerifier())
                                .clientAuth(io.grpc.TlsServerCredentials.ClientAuth.REQUIRE).build())
                .addService(new Kv()).build().start();
        try (TransportTls member = TransportTls.load(dir.resolve("node2.pem"), dir.resolve("node2.key"), dir.resolve("ca.pem"),
                     TransportTls.ClientAuth.OPTIONAL, Set.of("node", "node2"), Duration.ofSeconds(30));
             TransportTls client = TransportTls.load(dir.resolve("client.pem"), dir.resolve("client.key"), dir.resolve("ca.pem"),
                     TransportTls.ClientAuth.OPTIONAL, Set.of("node", "node2"), Duration.ofSeconds(30))) {
            assertEquals(Status.Code.OK, get(raft, member.keyManager(), member.memberVerifier()));
            assertEquals(Status.Code.UNAVAILABLE, get(raft, client.keyManager(), client.memberVerifier()),
                    "a CA-signed certificate without a member name is no Raft peer");
            // The dialling side checks the server is a member too: here the server presents "client".
            Server impostor = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                    io.grpc.TlsServerCredentials.newBuilder().keyManager(client.keyManager())
                            .trustManager(client.memberVerifier())
                            .clientAuth(io.grpc.TlsServerCredentials.ClientAuth.REQUIRE).build())
                    .addService(new Kv()).build().start();
            try {
                assertEquals(Status.Code.UNAVAILABLE, get(impostor, member.keyManager(), member.memberVerifier()));
            } finally {
                impostor.shutdownNow();
            }
        } finally {
            raft.shutdownNow();
        }
    }

    private static Status.Code get(Server server, javax.net.ssl.KeyManager keys, javax.net.ssl.TrustManager trust) {
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + server.getPort(),
                io.grpc.TlsChannelCredentials.newBuilder().keyManager(keys).trustManager(trust).build()).build();
        try {
            KvGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).get(GetRequest.getDefaultInstance());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } finally {
            channel.shutdownNow();
        }
    }

    private java.security.cert.X509Certificate leaf(String file) {
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            return (java.security.cert.X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void plaintextAStrangersCertificateAndAnotherCasServerAreRefused() {
        assertEquals(Status.Code.UNAVAILABLE, call(InsecureChannelCredentials.create(), false));
        try (TransportTls stranger = client("other.pem", "other.key", "ca.pem");
             TransportTls trustsOtherCa = client(null, null, "other-ca.pem")) {
            assertEquals(Status.Code.UNAVAILABLE, call(stranger.channelCredentials(), false), "the server refuses its certificate");
            assertEquals(Status.Code.UNAVAILABLE, call(trustsOtherCa.channelCredentials(), false), "it refuses the server's");
        }
    }

    @Test
    void aCertificateReplacedOnDiskReachesNewConnections() throws Exception {
        BigInteger first = serial(dir.resolve("node.pem"));
        BigInteger second = serial(dir.resolve("node2.pem"));
        assertEquals(first, served());
        Files.copy(dir.resolve("node2.key"), dir.resolve("served.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("node2.pem"), dir.resolve("served.pem"), StandardCopyOption.REPLACE_EXISTING);
        touch("served.pem");
        touch("served.key");
        Poll.until("the new certificate served", () -> second.equals(served()));
        try (TransportTls anonymous = client(null, null, "ca.pem")) {
            assertEquals(Status.Code.OK, call(anonymous.channelCredentials(), false));
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsNotInstalled() throws Exception {
        BigInteger first = serial(dir.resolve("node.pem"));
        // A rotation read half way: the new certificate with the old key.
        Files.copy(dir.resolve("node2.pem"), dir.resolve("served.pem"), StandardCopyOption.REPLACE_EXISTING);
        touch("served.pem");
        assertFalse(serverTls.reloadNow(), "a mismatched pair is refused");
        assertEquals(first, served(), "the old pair stays in use");
        Files.copy(dir.resolve("node2.key"), dir.resolve("served.key"), StandardCopyOption.REPLACE_EXISTING);
        touch("served.key");
        serverTls.reloadNow(); // or the schedule, whichever comes first
        BigInteger second = serial(dir.resolve("node2.pem"));
        Poll.until("the matching pair installed", () -> second.equals(served()));
    }

    /** Moves a file's modification time ahead (some filesystems keep whole seconds). */
    private void touch(String file) throws IOException {
        Files.setLastModifiedTime(dir.resolve(file), java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(dir.resolve(file)).toMillis() + 5_000));
    }

    @Test
    void badFilesAreClearErrors() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> client("absent.pem", "node.key", "ca.pem"));
        assertTrue(missing.getMessage().contains("absent.pem"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> client("node.pem", null, "ca.pem"));
        IllegalArgumentException notAKey = assertThrows(IllegalArgumentException.class,
                () -> client("node.pem", "ca.pem", "ca.pem"));
        assertTrue(notAKey.getMessage().startsWith("cannot load TLS files"), notAKey.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TransportTls.ClientAuth.parse("sometimes"));
        assertEquals(TransportTls.ClientAuth.REQUIRE, TransportTls.ClientAuth.parse(" Require "));
    }

    /** The serial of the certificate the server presents to a new connection. */
    private BigInteger served() {
        try (TransportTls anonymous = client(null, null, "ca.pem");
             SSLSocket socket = (SSLSocket) anonymous.sslContext(false).getSocketFactory()
                     .createSocket("127.0.0.1", server.getPort())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (IOException e) {
            return BigInteger.ZERO;
        }
    }

    private static BigInteger serial(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        }
    }
}
