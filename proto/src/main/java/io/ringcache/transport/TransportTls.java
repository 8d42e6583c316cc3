package io.ringcache.transport;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
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
 * <p>The files are checked every {@code reload} period, and changed files replace the old
 * material for every <em>new</em> handshake without a restart (grpc-java's
 * {@link AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager} hold it and parse
 * the PEM; the schedule is ours, since theirs refreshes at most once a minute). A key that does
 * not match its certificate (a rotation read half way) is not installed: the old pair stays
 * until the next check. Files are compared by content, so a Secret that kubelet swaps in
 * atomically and a file rewritten in place are both seen. Connections already open keep the
 * session they negotiated. To rotate the CA, put old and new CA in the bundle until every
 * certificate is reissued: a bundle without the old CA distrusts its certificates at once.
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

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(TransportTls.class.getName());

    private final AdvancedTlsX509KeyManager keys;
    private final AdvancedTlsX509TrustManager verifiesClients;
    private final AdvancedTlsX509TrustManager verifiesServers;
    private final ClientAuth clientAuth;
    private final ScheduledExecutorService reloader;
    private final Path cert;
    private final Path key;
    private final Path ca;
    /** Common names a member's certificate may carry; empty: any certificate the CA signed. */
    private final java.util.Set<String> memberNames;
    /** SHA-256 of the files' bytes as last installed; guarded by this object's monitor. */
    private byte[] installed = new byte[0];

    private TransportTls(Path cert, Path key, Path ca, ClientAuth clientAuth, java.util.Set<String> memberNames,
                         ScheduledExecutorService reloader) {
        this.cert = cert;
        this.key = key;
        this.ca = ca;
        this.memberNames = java.util.Set.copyOf(memberNames);
        this.keys = cert == null ? null : new AdvancedTlsX509KeyManager();
        this.clientAuth = clientAuth;
        this.reloader = reloader;
        try {
            this.verifiesClients = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
            this.verifiesServers = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION).build();
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 trust manager: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the files and re-reads them every {@code reload} from then on.
     *
     * @param cert       the certificate chain (PEM), or null for a client that presents none
     * @param key        its private key (PEM, PKCS#8); null exactly when {@code cert} is
     * @param ca         the CA bundle (PEM) that servers' and peers' certificates must chain to
     * @param clientAuth what servers built from this ask of their clients
     * @throws IllegalArgumentException a file is missing, unreadable or not what it should be; the message names it
     */
    public static TransportTls load(Path cert, Path key, Path ca, ClientAuth clientAuth, Duration reload) {
        return load(cert, key, ca, clientAuth, java.util.Set.of(), reload);
    }

    /**
     * As {@link #load(Path, Path, Path, ClientAuth, Duration)}, with the common names a cluster
     * member's certificate must carry ({@link #isMember}); empty admits any certificate the CA signed.
     */
    public static TransportTls load(Path cert, Path key, Path ca, ClientAuth clientAuth, java.util.Set<String> memberNames,
                                    Duration reload) {
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
        TransportTls tls = new TransportTls(cert, key, ca, clientAuth, memberNames, reloader);
        try {
            tls.apply();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            reloader.shutdownNow();
            throw new IllegalArgumentException("cannot load TLS files (" + (cert == null ? "" : cert + ", " + key + ", ")
                    + ca + "): " + e.getMessage(), e);
        }
        // grpc-util's own file watching refreshes at most once a minute; this schedule is ours.
        reloader.scheduleWithFixedDelay(tls::reloadIfChanged, reload.toMillis(), reload.toMillis(), TimeUnit.MILLISECONDS);
        return tls;
    }

    /**
     * Reads every file once and installs what it holds unless it is what is installed already;
     * throws (installing nothing) when a file is wrong. Returns whether anything was installed.
     * Compares contents, not modification times: a file rewritten twice within one clock tick
     * would otherwise keep its half-written first version.
     */
    private synchronized boolean apply() throws IOException, GeneralSecurityException {
        byte[] caBytes = Files.readAllBytes(ca);
        byte[] certBytes = cert == null ? new byte[0] : Files.readAllBytes(cert);
        byte[] keyBytes = key == null ? new byte[0] : Files.readAllBytes(key);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(caBytes);
        sha.update((byte) 0);
        sha.update(certBytes);
        sha.update((byte) 0);
        sha.update(keyBytes);
        byte[] digest = sha.digest();
        if (java.util.Arrays.equals(digest, installed)) {
            return false;
        }
        X509Certificate[] trusted = CertificateUtils.getX509Certificates(new java.io.ByteArrayInputStream(caBytes));
        if (trusted.length == 0) {
            throw new GeneralSecurityException(ca + " holds no certificate");
        }
        X509Certificate[] chain = null;
        PrivateKey privateKey = null;
        if (keys != null) {
            chain = CertificateUtils.getX509Certificates(new java.io.ByteArrayInputStream(certBytes));
            if (chain.length == 0) {
                throw new GeneralSecurityException(cert + " holds no certificate");
            }
            privateKey = CertificateUtils.getPrivateKey(new java.io.ByteArrayInputStream(keyBytes));
            checkPair(chain[0], privateKey);
        }
        // Everything parsed and matched: install (no step below can fail on the files' content).
        verifiesClients.updateTrustCredentials(trusted);
        verifiesServers.updateTrustCredentials(trusted);
        if (keys != null) {
            keys.updateIdentityCredentials(chain, privateKey);
        }
        installed = digest;
        return true;
    }

    /**
     * Re-reads the files when one changed. A failed read (a file half written, a key read before
     * its new certificate arrived) keeps the material in use and is tried again next period.
     */
    private void reloadIfChanged() {
        reloadNow();
    }

    /** One reload check now (the schedule's, synchronously): whether changed files were installed. */
    synchronized boolean reloadNow() {
        try {
            if (apply()) {
                LOG.info("TLS files reloaded: " + (cert == null ? "" : cert + ", " + key + ", ") + ca);
                return true;
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warning("TLS files not reloaded (the ones in use stay): " + e);
        }
        return false;
    }

    /**
     * Whether a peer whose handshake-verified chain is {@code chain} is a cluster member: it
     * presented a certificate and, when member names are configured, the certificate's subject
     * common name is one of them (TiKV's cert-allowed-cn).
     */
    public boolean isMember(java.security.cert.Certificate[] chain) {
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return false;
        }
        return memberNames.isEmpty() || memberNames.contains(commonName(leaf));
    }

    /** Whether {@code -tls_member_cn} names the members, so a client's certificate can be told from a member's. */
    public boolean namesMembers() {
        return !memberNames.isEmpty();
    }

    /** The common name of a handshake-verified chain's leaf, or "" when there is none. */
    public static String peerName(java.security.cert.Certificate[] chain) {
        return chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf) ? "" : commonName(leaf);
    }

    /** The subject's common name, or "" when it has none. */
    static String commonName(X509Certificate certificate) {
        try {
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(
                    certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return "";
        }
        return "";
    }

    /**
     * The trust manager for Raft, where every connection is member to member in both directions:
     * a server is checked for chain and host name, a client for chain; both must be members
     * ({@link #isMember}). Ratis builds its client and server TLS from this one manager.
     */
    public X509ExtendedTrustManager memberVerifier() {
        return new MemberVerifier();
    }

    private final class MemberVerifier extends X509ExtendedTrustManager {
        private void member(X509Certificate[] chain) throws java.security.cert.CertificateException {
            if (!isMember(chain)) {
                throw new java.security.cert.CertificateException("not a cluster member's certificate: "
                        + (chain == null || chain.length == 0 ? "none" : chain[0].getSubjectX500Principal().getName()));
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
            verifiesClients.checkClientTrusted(chain, authType, socket);
            member(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
            verifiesServers.checkServerTrusted(chain, authType, socket);
            member(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            verifiesClients.checkClientTrusted(chain, authType, engine);
            member(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            verifiesServers.checkServerTrusted(chain, authType, engine);
            member(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            verifiesClients.checkClientTrusted(chain, authType);
            member(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            verifiesServers.checkServerTrusted(chain, authType);
            member(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return verifiesClients.getAcceptedIssuers();
        }
    }

    /** Refuses a key that is not the certificate's (signs a challenge and checks it with the certificate). */
    private static void checkPair(X509Certificate certificate, PrivateKey privateKey) throws GeneralSecurityException {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null) {
            return; // CertificateUtils reads RSA and EC keys only; anything else never gets here
        }
        byte[] challenge = "ringcache key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(privateKey);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(challenge);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("the private key does not belong to the certificate");
        }
    }

    /** This process's certificate and key; null when it has none. */
    public X509ExtendedKeyManager keyManager() {
        return keys;
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
        reloader.shutdownNow();
    }
}
