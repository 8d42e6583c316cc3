package io.ringcache.transport;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One process's TLS material, shared by every listener and every client it opens (gRPC, HTTP,
 * RESP, the Raft transports): a certificate chain and its private key (PEM, PKCS#8), and the
 * cluster CA bundle (PEM) that every peer's and server's certificate must chain to.
 *
 * <p>The files are read again every {@code reload} period, and a changed file replaces the old
 * material for every <em>new</em> handshake without a restart (grpc-java's
 * {@link AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager} do the reading;
 * cert-manager rewrites the files of a mounted Secret in place). Connections already open keep
 * the session they negotiated.
 *
 * <p>Two trust managers read the same CA: one checks servers (the chain <em>and</em> that the
 * certificate names the host dialled, as HTTPS does), one checks clients (the chain only: a
 * client's address says nothing about its name). A process with no certificate of its own (a
 * client that only verifies servers) has no key manager and presents none.
 *
 * <p>Owned by the process that loaded it; {@link #close} stops the reloading.
 */
public final class TransportTls implements AutoCloseable {

    /**
     * What a TLS server asks of connecting clients. Servers always ask for a certificate, since
     * members prove membership with one ({@link PeerOnly}); there is no "never ask".
     */
    public enum ClientAuth {
        /** A client without a certificate may connect (member-only calls still refuse it); a bad one may not. */
        OPTIONAL,
        /** Every client must present a certificate from the cluster CA. */
        REQUIRE;

        /** Parses {@code optional} or {@code require}. */
        public static ClientAuth parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("TLS client auth must be optional or require, not '" + text + "'");
            }
        }
    }

    /** The default period between re-reads of the files. */
    public static final Duration DEFAULT_RELOAD = Duration.ofSeconds(30);

    private final AdvancedTlsX509KeyManager keys;
    private final AdvancedTlsX509TrustManager verifiesClients;
    private final AdvancedTlsX509TrustManager verifiesServers;
    private final ClientAuth clientAuth;
    private final ScheduledExecutorService reloader;
    private final List<AutoCloseable> reloads = new ArrayList<>();

    private TransportTls(AdvancedTlsX509KeyManager keys, AdvancedTlsX509TrustManager verifiesClients,
                         AdvancedTlsX509TrustManager verifiesServers, ClientAuth clientAuth, ScheduledExecutorService reloader) {
        this.keys = keys;
        this.verifiesClients = verifiesClients;
        this.verifiesServers = verifiesServers;
        this.clientAuth = clientAuth;
        this.reloader = reloader;
    }

    /**
     * Reads the files and starts re-reading them every {@code reload}.
     *
     * @param cert       the certificate chain (PEM), or null for a client that presents none
     * @param key        its private key (PEM, PKCS#8); null exactly when {@code cert} is
     * @param ca         the CA bundle (PEM) that servers' and peers' certificates must chain to
     * @param clientAuth what servers built from this ask of their clients
     * @throws IllegalArgumentException a file is missing, unreadable or not what it should be; the message names it
     */
    public static TransportTls load(Path cert, Path key, Path ca, ClientAuth clientAuth, Duration reload) {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("a TLS certificate needs its key and a key its certificate: give both");
        }
        if (ca == null) {
            throw new IllegalArgumentException("TLS needs the cluster's CA bundle (-tls_ca)");
        }
        if (reload.isNegative() || reload.isZero()) {
            throw new IllegalArgumentException("the TLS reload period must be positive");
        }
        for (Path p : cert == null ? List.of(ca) : List.of(cert, key, ca)) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read TLS file " + p);
            }
        }
        ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tls-reload");
            t.setDaemon(true);
            return t;
        });
        TransportTls tls = null;
        try {
            AdvancedTlsX509KeyManager keys = null;
            if (cert != null) {
                keys = new AdvancedTlsX509KeyManager();
                keys.updateIdentityCredentials(cert.toFile(), key.toFile()); // fails here on a bad file
            }
            AdvancedTlsX509TrustManager verifiesClients = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
            AdvancedTlsX509TrustManager verifiesServers = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION).build();
            tls = new TransportTls(keys, verifiesClients, verifiesServers, clientAuth, reloader);
            long period = reload.toMillis();
            if (keys != null) {
                tls.reloads.add(keys.updateIdentityCredentials(cert.toFile(), key.toFile(), period, TimeUnit.MILLISECONDS,
                        reloader));
            }
            tls.reloads.add(verifiesClients.updateTrustCredentials(ca.toFile(), period, TimeUnit.MILLISECONDS, reloader));
            tls.reloads.add(verifiesServers.updateTrustCredentials(ca.toFile(), period, TimeUnit.MILLISECONDS, reloader));
            return tls;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (tls != null) {
                tls.close();
            } else {
                reloader.shutdownNow();
            }
            throw new IllegalArgumentException("cannot load TLS files (" + (cert == null ? "" : cert + ", " + key + ", ")
                    + ca + "): " + e.getMessage(), e);
        }
    }

    /** This process's certificate and key; null when it has none. */
    public X509ExtendedKeyManager keyManager() {
        return keys;
    }

    /** For clients: checks a server's chain, and that its certificate names the host dialled. */
    public X509ExtendedTrustManager serverVerifier() {
        return verifiesServers;
    }

    /** For servers: checks a client's chain only. */
    public X509ExtendedTrustManager clientVerifier() {
        return verifiesClients;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** Whether this process has a certificate to present. */
    public boolean hasIdentity() {
        return keys != null;
    }

    /** Credentials for a gRPC server: TLS with this process's certificate, asking clients per {@link #clientAuth}. */
    public ServerCredentials serverCredentials() {
        if (keys == null) {
            throw new IllegalStateException("a TLS server needs a certificate and key");
        }
        return TlsServerCredentials.newBuilder().keyManager(keys).trustManager(verifiesClients)
                .clientAuth(switch (clientAuth) {
                    case OPTIONAL -> TlsServerCredentials.ClientAuth.OPTIONAL;
                    case REQUIRE -> TlsServerCredentials.ClientAuth.REQUIRE;
                }).build();
    }

    /** Credentials for a gRPC channel: verifies the server, presents this process's certificate when it has one. */
    public ChannelCredentials channelCredentials() {
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(verifiesServers);
        if (keys != null) {
            b.keyManager(keys);
        }
        return b.build();
    }

    /** A JDK SSL context for HTTPS clients and servers (java.net.http, com.sun.net.httpserver). */
    public SSLContext sslContext(boolean forServer) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys == null ? null : new KeyManager[] {keys},
                    new TrustManager[] {forServer ? verifiesClients : verifiesServers}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : reloads) {
            try {
                c.close();
            } catch (Exception e) {
                // stopping a reload schedule cannot fail in a way worth reporting
            }
        }
        reloader.shutdownNow();
    }
}
