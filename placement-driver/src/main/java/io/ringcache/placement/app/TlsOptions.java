package io.ringcache.placement.app;

import io.ringcache.transport.TransportTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The TLS flags every ringcache process shares (a picocli mixin of the store node, the placement
 * driver and ringctl): one certificate, its key and the cluster CA, used by every listener and
 * every client the process opens. All empty (the default) means plaintext everywhere, which is
 * for development only. Environment variables {@code RINGCACHE_TLS_*} stand in for the flags.
 */
public final class TlsOptions {

    @Option(names = {"-tls_cert", "--tls-cert"}, defaultValue = "${env:RINGCACHE_TLS_CERT:-}", paramLabel = "PEM",
            description = "This process's certificate chain (PEM); with -tls_key and -tls_ca turns TLS on for every "
                    + "port and every connection it makes (env RINGCACHE_TLS_CERT).")
    String cert;

    @Option(names = {"-tls_key", "--tls-key"}, defaultValue = "${env:RINGCACHE_TLS_KEY:-}", paramLabel = "PEM",
            description = "The certificate's private key (PEM, PKCS#8) (env RINGCACHE_TLS_KEY).")
    String key;

    @Option(names = {"-tls_ca", "--tls-ca"}, defaultValue = "${env:RINGCACHE_TLS_CA:-}", paramLabel = "PEM",
            description = "The cluster CA bundle (PEM): servers and members must have certificates it signed "
                    + "(env RINGCACHE_TLS_CA).")
    String ca;

    @Option(names = {"-tls_client_auth", "--tls-client-auth"}, defaultValue = "${env:RINGCACHE_TLS_CLIENT_AUTH:-optional}",
            paramLabel = "optional|require",
            description = "What TLS servers ask of clients: optional (clients may connect without a certificate; "
                    + "member-only calls still need one) or require (every client needs one from the CA) "
                    + "(default: ${DEFAULT-VALUE}; env RINGCACHE_TLS_CLIENT_AUTH).")
    String clientAuth;

    @Option(names = {"-tls_member_cn", "--tls-member-cn"}, defaultValue = "${env:RINGCACHE_TLS_MEMBER_CN:-}",
            paramLabel = "NAME[,NAME...]",
            description = "Common names a cluster member's certificate must carry (TiKV's cert-allowed-cn): only they "
                    + "may take part in Raft, register a store or drive one; other certificates from the CA are clients "
                    + "and operators. Empty (the default) makes every certificate the CA signed a member "
                    + "(env RINGCACHE_TLS_MEMBER_CN).")
    String memberCn;

    @Option(names = {"-tls_reload", "--tls-reload"}, defaultValue = "${env:RINGCACHE_TLS_RELOAD:-30s}",
            paramLabel = "DURATION",
            description = "How often the TLS files are read again; changed files take effect for new connections "
                    + "without a restart (default: ${DEFAULT-VALUE}; env RINGCACHE_TLS_RELOAD).")
    String reload;

    /** Whether any TLS flag was given. */
    public boolean enabled() {
        return !cert.isBlank() || !key.isBlank() || !ca.isBlank();
    }

    /** The -tls_member_cn names. */
    public java.util.Set<String> memberNames() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String n : memberCn.split(",")) {
            if (!n.isBlank()) {
                out.add(n.trim());
            }
        }
        return out;
    }

    /** Checks the flags without reading the files; IllegalArgumentException names the problem. */
    public void validate(boolean server) {
        if (!enabled()) {
            // A TLS setting without the files would leave the process on plaintext unnoticed.
            if (!clientAuth.trim().equalsIgnoreCase("optional") || !reload.trim().equals("30s") || !memberCn.isBlank()) {
                throw new IllegalArgumentException("-tls_client_auth, -tls_member_cn and -tls_reload need TLS: give "
                        + "-tls_cert, -tls_key and -tls_ca (or the RINGCACHE_TLS_* variables)");
            }
            return;
        }
        if (ca.isBlank()) {
            throw new IllegalArgumentException("TLS needs -tls_ca, the cluster's CA bundle");
        }
        if (cert.isBlank() != key.isBlank()) {
            throw new IllegalArgumentException("-tls_cert and -tls_key go together: give both");
        }
        if (server && cert.isBlank()) {
            throw new IllegalArgumentException("a TLS server needs its certificate and key: -tls_cert and -tls_key");
        }
        TransportTls.ClientAuth.parse(clientAuth);
        Durations.millis(reload, "-tls_reload");
    }

    /**
     * Loads the files (and starts reloading them); empty when TLS is off.
     *
     * @param server whether this process listens (then it needs a certificate)
     * @throws IllegalArgumentException a flag or file is wrong; the message names it
     */
    public Optional<TransportTls> load(boolean server) {
        validate(server);
        if (!enabled()) {
            return Optional.empty();
        }
        return Optional.of(TransportTls.load(cert.isBlank() ? null : Path.of(cert), key.isBlank() ? null : Path.of(key),
                Path.of(ca), TransportTls.ClientAuth.parse(clientAuth), memberNames(),
                Duration.ofMillis(Durations.millis(reload, "-tls_reload"))));
    }

    /** One line for the start-up log: what this process runs. */
    public String describe() {
        if (!enabled()) {
            return "TLS off: every port is plaintext (development only)";
        }
        return "TLS on: certificate " + cert + ", CA " + ca + ", client certificates " + clientAuth.trim()
                + ", members " + (memberNames().isEmpty() ? "any certificate from the CA" : memberNames());
    }
}
